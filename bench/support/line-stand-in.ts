/** The one LINE stand-in lives in bench/stand-ins/line-api.ts; this path is kept for its earlier users. */
export * from '../stand-ins/line-api';

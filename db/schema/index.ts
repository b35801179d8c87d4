export * from './jurisdictions';
export * from './staff';
export * from './persons';
export * from './flows';
export * from './checks';
export * from './alerts';
export * from './messaging';
export * from './audit';

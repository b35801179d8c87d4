/**
 * The head lines every page reached by a token link shares (the web check /c, a facility's
 * round page /f, a certificate /certificates): the token is a credential, so the page says
 * itself what its headers say (tokenPageHeaders) — never indexed, never sent on as a Referer.
 */
export function TokenPageMeta(props: { title: string }) {
  return (
    <>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content="no-referrer" />
      <title>{props.title}</title>
    </>
  );
}

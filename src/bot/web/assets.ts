/**
 * The page's only style sheet and script, served as files under /c/_/ (the CSP forbids
 * inline ones). Relative units throughout so 200 % zoom reflows; every touch target at
 * least 3rem (48 px) high; colours pass WCAG AA contrast.
 */
export const CHECK_CSS = `
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;line-height:1.6;color:#1a1a1a;background:#fff}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.5rem 1rem;background:#0b5394;color:#fff}
.brand{margin:0;font-weight:700}
.langs{display:flex;flex-wrap:wrap;gap:.25rem;margin:0;padding:0;list-style:none}
.langs a{display:inline-block;min-height:2.75rem;padding:.6rem .6rem;color:#fff;text-decoration:underline}
.langs a[aria-current]{font-weight:700;text-decoration:none;outline:2px solid #fff}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;line-height:1.4;margin:0 0 1rem}
h1:focus{outline:3px solid #f1c40f;outline-offset:4px}
fieldset{border:0;margin:0;padding:0;min-width:0}
legend{padding:0;width:100%}
.choices{display:grid;gap:.75rem}
button,.call,input[type=text],textarea{font:inherit;font-size:1.25rem}
.choice,.primary{display:block;width:100%;min-height:3.5rem;padding:.75rem 1rem;border:2px solid #0b5394;border-radius:.5rem;background:#fff;color:#0b5394;font-weight:700;cursor:pointer;text-align:center}
.primary{background:#0b5394;color:#fff;margin-top:1rem}
a.primary{text-decoration:none;font-size:1.25rem;box-sizing:border-box}
.choice:focus,.primary:focus,.call:focus,input:focus,textarea:focus,.langs a:focus{outline:3px solid #f1c40f;outline-offset:2px}
.choice:active{background:#dbe8f6}
.checklist{display:grid;gap:.5rem}
.check-item{display:flex;gap:.75rem;align-items:center;min-height:3rem;padding:.5rem .75rem;border:1px solid #666;border-radius:.5rem;font-size:1.15rem}
.check-item input{width:1.5rem;height:1.5rem;flex:none}
.field label{display:block;margin-bottom:.5rem}
.with-unit{display:flex;align-items:center;gap:.5rem;max-width:100%}
input[type=text]{width:8em;max-width:100%;min-width:0;flex:0 1 8em;min-height:3.5rem;padding:.5rem;border:2px solid #333;border-radius:.5rem;font-size:1.75rem}
.unit{font-size:1.5rem}
textarea{width:100%;padding:.5rem;border:2px solid #333;border-radius:.5rem}
.urgent{margin:0 0 1.5rem;padding:1rem;border:3px solid #b00020;border-radius:.5rem;background:#fdecee;color:#5c0011}
.urgent h2{margin:0 0 .5rem;font-size:1.4rem}
.urgent-still{margin:0 0 1rem;padding:.75rem 1rem;border-left:.4rem solid #b00020;background:#fdecee}
.calls{display:grid;gap:.75rem;margin:1rem 0}
.call{display:block;min-height:3.5rem;padding:.75rem 1rem;border-radius:.5rem;background:#b00020;color:#fff;font-weight:700;text-align:center;text-decoration:none}
.call .number{display:block;font-size:1.1rem}
.call-119{background:#5c0011}.call-closed{background:#4a4a4a;font-size:.9em}
.reask,.is-reask{color:#8a1c00}
.reask{padding:.5rem .75rem;border-left:.4rem solid #8a1c00;background:#fff4e5}
.note{padding:.5rem 0}
.one{margin:0 0 1.75rem;padding-top:.5rem;border-top:1px solid #ccc}
.one h2{font-size:1.2rem;line-height:1.4;margin:0 0 .5rem}
.progress{color:#555;font-size:.95rem}
.explain{font-size:1.15rem}
`;

/** Focus the question after every step (a screen reader reads it at once) and ignore a second tap while the form is sending. */
export const CHECK_JS = `document.addEventListener('DOMContentLoaded',function(){
var h=document.getElementById('question');if(h)h.focus();
var f=document.querySelector('form.check');if(!f)return;
f.addEventListener('submit',function(e){if(f.getAttribute('data-sent')){e.preventDefault();return;}f.setAttribute('data-sent','1');});
});
`;

import { html, Html } from './html.ts';
import { uiLanguages, type UiLanguage } from './messages.ts';

const css = `
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC",sans-serif;color:#1b1f24;background:#f6f8fa}
header{background:#0b2545;color:#fff;padding:.8rem 1.5rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
header a{color:#fff;text-decoration:none;font-weight:700}
nav.langs a{color:#cfe0ff;font-weight:400;margin-left:.6rem}
nav.langs a[aria-current]{color:#fff;font-weight:700;text-decoration:underline}
main{max-width:1100px;margin:0 auto;padding:1.2rem 1.5rem 3rem}
section{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0}
h1{font-size:1.6rem;margin:.4rem 0}h2{font-size:1.15rem;margin:.2rem 0 .6rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dt{color:#57606a}dd{margin:0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
.badge{display:inline-block;border-radius:999px;padding:0 .7em;font-weight:600;color:#fff}
.ALLOW{background:#1a7f37}.CONDITIONAL{background:#9a6700}.DENY{background:#cf222e}
.muted{color:#57606a}.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:.5rem .8rem}
.graph{overflow-x:auto}
ul.regions{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}`;

/** A catalogue page: head (with `head` added), the header with language links, then `body`. */
export function catalogueLayout(options: { lang: UiLanguage; title: string; catalogue: string; head?: Html; body: Html; languageHref(lang: UiLanguage): string }): Html {
  const { lang } = options;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<link rel="icon" href="data:,">
<style>${new Html(css)}</style>
${options.head ?? ''}
</head>
<body>
<header><a href="/?lang=${lang}">${options.catalogue}</a><nav class="langs" aria-label="Language">${uiLanguages.map(
    (code) => html`<a href="${options.languageHref(code)}" hreflang="${code}" lang="${code}"${code === lang ? html` aria-current="true"` : ''}>${code.toUpperCase()}</a>`,
  )}</nav></header>
<main>
${options.body}
</main>
</body>
</html>
`;
}

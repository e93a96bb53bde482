import { html, Html } from './html.ts';
import { uiLanguages, type UiLanguage } from './messages.ts';

/** Each UI language by its own name, as a visitor looks for it. */
const languageNames: Record<UiLanguage, string> = { en: 'English', zh: '中文', vi: 'Tiếng Việt', ms: 'Bahasa Melayu', pt: 'Português' };

/**
 * One stylesheet for every page. Narrow screens (a 390 px phone) get one
 * column: nothing is wider than the screen, long URLs and ids break, and
 * what must stay wide (a table, the lineage picture) scrolls inside its own
 * box, never the page.
 */
const css = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC",sans-serif;color:#1b1f24;background:#f6f8fa}
a{color:#0b5cbd}
.skip{position:absolute;left:-9999px;top:0;background:#fff;color:#0b2545;padding:.5rem 1rem;z-index:1}.skip:focus{left:.5rem}
header{background:#0b2545;color:#fff;padding:.8rem 1.5rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header a{color:#fff;text-decoration:none;font-weight:700}
nav.langs ul{display:flex;flex-wrap:wrap;gap:.2rem .9rem;list-style:none;margin:0;padding:0}
nav.langs a{color:#dbe7ff;font-weight:400}
nav.langs a[aria-current]{color:#fff;font-weight:700;text-decoration:underline}
main{max-width:1100px;margin:0 auto;padding:1.2rem 1.5rem 3rem}
section{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0;min-width:0}
h1{font-size:1.6rem;margin:.4rem 0;overflow-wrap:anywhere}h2{font-size:1.15rem;margin:.2rem 0 .6rem}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.3rem 1rem;margin:0}dt{color:#57606a}dd{margin:0;min-width:0}
dd,td,li,p{overflow-wrap:anywhere}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
.badge{display:inline-block;border-radius:999px;padding:0 .7em;font-weight:600;color:#fff}
.badge.open,.badge.attribution{background:#1a7f37}.badge.conditional{background:#8a5a00}.badge.mechanism{background:#6639ba}.badge.restricted{background:#cf222e}
.muted{color:#57606a}.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:.5rem .8rem}
.graph{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}.graph svg{display:block}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,260px),1fr));gap:0 1.5rem}
ul.plain{list-style:none;padding:0;margin:0}ul.plain li{margin:.35rem 0}
ul.chips{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0}
ul.chips a{display:inline-block;border:1px solid #d0d7de;border-radius:999px;padding:.15rem .75rem;text-decoration:none;background:#f6f8fa}
ul.chips a:hover,ul.chips a:focus{border-color:#0b5cbd}
.count{color:#57606a;font-size:.9em}
@media (max-width:600px){
header{padding:.6rem .9rem}
main{padding:.6rem .75rem 2rem}
section{padding:.8rem .85rem}
dl{grid-template-columns:minmax(0,1fr)}dt{margin-top:.4rem;font-weight:600}
h1{font-size:1.35rem}
}`;

/** A catalogue page: head (with `head` added), the header with the language links, then `body` as the main content. */
export function catalogueLayout(options: { lang: UiLanguage; title: string; catalogue: string; head?: Html; body: Html; languageHref(lang: UiLanguage): string; labels: { skipToContent: string; language: string } }): Html {
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
<a class="skip" href="#content">${options.labels.skipToContent}</a>
<header><a href="/?lang=${lang}">${options.catalogue}</a><nav class="langs" aria-label="${options.labels.language}"><ul>${uiLanguages.map(
    (code) => html`<li><a href="${options.languageHref(code)}" hreflang="${code}" lang="${code}"${code === lang ? html` aria-current="true"` : ''}>${languageNames[code]}</a></li>`,
  )}</ul></nav></header>
<main id="content">
${options.body}
</main>
</body>
</html>
`;
}

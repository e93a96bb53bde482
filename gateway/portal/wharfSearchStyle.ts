/**
 * The stylesheet of `<wharf-search>`'s Shadow DOM. A host page themes it with
 * the custom properties read here (`--wharf-font`, `--wharf-text`,
 * `--wharf-accent`, `--wharf-border`, `--wharf-muted`, `--wharf-radius`,
 * `--wharf-background`, `--wharf-surface`, `--wharf-mark`, `--wharf-open`,
 * `--wharf-attribution`, `--wharf-conditional`, `--wharf-mechanism`,
 * `--wharf-restricted`, `--wharf-accent-text`) and with `::part()`.
 */
export const wharfSearchStyle = `
:host{display:block;font:var(--wharf-font,inherit);color:var(--wharf-text,#1b1f24);--_a:var(--wharf-accent,#0b63ce);--_b:var(--wharf-border,#d0d7de);--_m:var(--wharf-muted,#57606a);--_r:var(--wharf-radius,8px)}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
input{box-sizing:border-box;width:100%;font:inherit;padding:.6em .8em;border:1px solid var(--_b);border-radius:var(--_r);background:var(--wharf-background,#fff);color:inherit}
input:focus{outline:2px solid var(--_a);outline-offset:1px}
.row{display:flex;flex-wrap:wrap;gap:.4em;align-items:center;margin:.5em 0}
.row>b{font-size:.85em;color:var(--_m);font-weight:600;margin-right:.2em}
button{font:inherit;font-size:.85em;cursor:pointer;border:1px solid var(--_b);border-radius:999px;padding:.2em .7em;background:var(--wharf-surface,#f6f8fa);color:inherit}
button[aria-pressed=true]{background:var(--_a);border-color:var(--_a);color:var(--wharf-accent-text,#fff)}
button:focus-visible{outline:2px solid var(--_a);outline-offset:1px}
.status{font-size:.9em;color:var(--_m);margin:.5em 0}
ul{list-style:none;margin:0;padding:0}
li{padding:.7em .8em;border:1px solid var(--_b);border-radius:var(--_r);margin:.5em 0;background:var(--wharf-background,#fff);overflow-wrap:anywhere}
li:focus-within{outline:2px solid var(--_a);outline-offset:1px;background:var(--wharf-surface,#f6f8fa)}
a{color:var(--_a);font-weight:600;text-decoration:none}
a:hover,a:focus{text-decoration:underline}a:focus{outline:none}
select{font:inherit;font-size:.85em;padding:.2em .4em;border:1px solid var(--_b);border-radius:var(--_r);background:var(--wharf-background,#fff);color:inherit;max-width:100%}
.sort label{font-size:.85em;color:var(--_m)}
mark{background:var(--wharf-mark,#fff3b0);color:inherit;padding:0 .1em;border-radius:2px}
.meta{display:flex;flex-wrap:wrap;gap:.3em .9em;font-size:.85em;color:var(--_m);margin-top:.3em}
.fmt{border:1px solid var(--_b);border-radius:4px;padding:0 .35em;margin-right:.25em;font-size:.9em}
.badge{border-radius:999px;padding:0 .6em;font-weight:600;color:#fff}
.open{background:var(--wharf-open,#1a7f37)}.attribution{background:var(--wharf-attribution,#1a7f37)}.conditional{background:var(--wharf-conditional,#8a5a00)}.mechanism{background:var(--wharf-mechanism,#6639ba)}.restricted{background:var(--wharf-restricted,#cf222e)}
.more{display:block;margin:.6em auto}`;

/** No inline styles or scripts anywhere, so the CSP allows styles and images from the gateway only. */
export const CONSOLE_STYLESHEET = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5d6778; --line: #d9dee7; --bg: #f6f7f9; --accent: #2f5bd3; --bad: #b42318; --warn: #9a6700; --good: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: center; gap: 16px; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 600; color: var(--ink); text-decoration: none; }
header .who { margin-left: auto; color: var(--muted); }
header form { display: inline; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
a { color: var(--accent); }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 12px 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; border: 1px solid currentColor; }
.bad { color: var(--bad); }
.warn { color: var(--warn); }
.good { color: var(--good); }
.notice { padding: 10px 12px; border-radius: 6px; border: 1px solid var(--line); background: #fff; margin: 12px 0; }
.notice.bad { border-color: var(--bad); }
.notice.good { border-color: var(--good); }
form.inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 12.5px; color: var(--muted); }
input, select { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; color: var(--ink); background: #fff; }
input[type=password], input.wide { min-width: 28em; }
button { font: inherit; padding: 5px 14px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
.decisions { display: flex; gap: 12px; margin: 12px 0; }
.signin { max-width: 560px; margin: 64px auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.pager { display: flex; gap: 12px; margin-top: 8px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
del { color: var(--bad); }
ins { color: var(--good); text-decoration: none; }
.diff div { white-space: nowrap; }
tr.deletion td:first-child { border-left: 3px solid var(--bad); }
`;

/** Without it browsers fetch /favicon.ico, which the gateway does not serve. */
export const CONSOLE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2f5bd3"/><path d="M4 4h5a3 3 0 0 1 0 6H7l3 2.5H7.4L4 9.7V4zm2 2v2h3a1 1 0 0 0 0-2H6z" fill="#fff"/></svg>`;

// The console's one stylesheet: large type and high contrast for a screen at the till; no external assets.
export const CSS = `
*{box-sizing:border-box}
html{font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
body{margin:0}
a{color:#0b57d0}
header.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem 1.25rem;padding:.6rem 1.25rem;background:#1b1f24;color:#fff}
header.bar .brand{font-weight:700;margin-right:auto}
header.bar a{color:#fff;text-decoration:none;padding:.3rem .6rem;border-radius:6px}
header.bar a.on,header.bar a:hover{background:#3a414a}
header.bar form{margin:0}
header.bar button{background:transparent;border:1px solid #6b737d;color:#fff;font-size:.85rem;padding:.25rem .7rem}
main{max-width:1200px;margin:0 auto;padding:1.25rem}
h1{font-size:1.6rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
.card>h2:first-child{margin-top:0}
.card{background:#fff;border:1px solid #dfe2e6;border-radius:10px;padding:1rem 1.25rem;margin-bottom:1rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.85rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e6e8eb;vertical-align:top}
th{background:#eef0f3;font-weight:600}
td time{white-space:nowrap}
#orders code{font-size:.75rem;word-break:break-all}
#orders .memo{font-size:.8rem}
td.order{overflow-wrap:anywhere}
.scroll{overflow-x:auto}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem}
pre{background:#f6f8fa;border:1px solid #e6e8eb;border-radius:6px;padding:.6rem;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}
.muted{color:#5f6873}
.badge{display:inline-block;white-space:nowrap;padding:.05rem .55rem;border-radius:999px;font-size:.8rem;font-weight:600;background:#e6e8eb}
.badge.pending{background:#fff4d6;color:#7a5200}.badge.paid,.badge.accepted{background:#dcf5e3;color:#13622f}
.badge.expired{background:#e6e8eb;color:#454c55}.badge.cancelled,.badge.failed,.badge.warn{background:#fde2e1;color:#a11a14}
button,.button{display:inline-block;font:inherit;font-weight:600;border:0;border-radius:8px;padding:.55rem 1.1rem;background:#0b57d0;color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#e6e8eb;color:#1b1f24}
button.danger{background:#c5221f}
button.small{font-size:.8rem;padding:.25rem .6rem}
input,select,textarea{font:inherit;padding:.45rem .6rem;border:1px solid #b9bfc6;border-radius:8px;background:#fff}
label{display:block;font-weight:600;margin:.6rem 0 .25rem}
.row{display:flex;gap:.75rem;align-items:end;flex-wrap:wrap}
.notice{padding:.6rem 1rem;border-radius:8px;background:#dcf5e3;color:#13622f;margin-bottom:1rem}
.error{padding:.6rem 1rem;border-radius:8px;background:#fde2e1;color:#a11a14;margin-bottom:1rem}
.pager{display:flex;gap:1rem;margin-top:.8rem}
.chips a{margin-right:.4rem}
.amount-input{font-size:2.4rem;width:11ch;height:4.6rem;font-variant-numeric:tabular-nums}
.fields{display:flex;gap:.75rem;flex-wrap:wrap}
#memo{width:100%;max-width:32rem}
.charge{font-size:1.6rem;padding:.8rem 2.2rem}
.items{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:.75rem}
.items .card{margin:0}.items input{width:5rem}
.login{max-width:420px;margin:10vh auto}
.login input{width:100%}
.sale{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.1fr);gap:1.5rem;align-items:start}
.big-amount{font-size:3.2rem;font-weight:700;font-variant-numeric:tabular-nums;margin:0;overflow-wrap:anywhere}
.status{font-size:2rem;font-weight:800;margin:.6rem 0;padding:.5rem 1rem;border-radius:12px;text-align:center}
.status.pending{background:#fff4d6;color:#7a5200}.status.paid{background:#1e8e3e;color:#fff;font-size:3.4rem}
.status.expired{background:#e6e8eb;color:#454c55}.status.cancelled{background:#fde2e1;color:#a11a14}
.countdown{font-size:1.4rem;font-variant-numeric:tabular-nums;text-align:center;color:#454c55;min-height:1.6em}
.qr{background:#fff;border:1px solid #dfe2e6;border-radius:12px;padding:1rem;text-align:center}
.qr svg{width:100%;max-width:440px;height:auto;display:block;margin:0 auto}
.qr.small svg{max-width:260px}
.qr figcaption{margin-top:.5rem;font-size:.85rem;color:#5f6873;word-break:break-all}
#live:not([data-status="pending"]) .when-pending{display:none}
#live:not([data-status="paid"]) .when-paid{display:none}
.done{background:#fff;border:1px solid #dfe2e6;border-radius:12px;padding:2rem 1rem;text-align:center}
.done-mark{font-size:12rem;line-height:1;color:#1e8e3e;font-weight:800}
.done p{font-size:1.6rem;font-weight:700;margin:.5rem 0 0}
.scan{text-align:center;font-size:1.2rem;font-weight:600;margin:0 0 .6rem}
.gateways{margin-bottom:1rem}
.gateways form{display:inline-block;margin:.25rem .4rem .25rem 0}
.kiosk{text-align:center;padding:2rem 1rem}
.kiosk h1{font-size:2.6rem}
.kiosk .qr{border:0;max-width:640px;margin:0 auto}
.kiosk .qr svg{max-width:560px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
dl.facts dt{font-weight:600;color:#454c55}dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}dl.facts dd code{word-break:break-all}
.order-title code{word-break:break-all;font-size:1.1rem}
.summary .big-amount{font-size:2.6rem}
strong.state{display:inline-block;font-size:1.3rem;padding:.2rem .8rem;border-radius:8px}
strong.state.pending{background:#fff4d6;color:#7a5200}strong.state.paid{background:#1e8e3e;color:#fff}
strong.state.expired{background:#e6e8eb;color:#454c55}strong.state.cancelled{background:#fde2e1;color:#a11a14}
.badge.test,.notice.test{background:#e4e1fb;color:#3b2a9b}
.paid-by{font-size:1.15rem;font-weight:600;margin:.2rem 0 .6rem}
ul.payments{padding-left:1.2rem;margin:.4rem 0}ul.payments li{margin:.3rem 0;overflow-wrap:anywhere}
h3{font-size:1rem;margin:1rem 0 .4rem}
table.compact{width:auto;min-width:60%}
details{background:#fff;border:1px solid #dfe2e6;border-radius:10px;padding:.5rem 1rem;margin-bottom:.6rem}
details>summary{cursor:pointer;font-weight:600}
td details,figcaption details{background:none;border:0;padding:0;margin:0}td details>summary{font-weight:400}
.filters .grow{flex:1 1 16rem}.filters input[type=search]{width:100%}
label.check{display:flex;align-items:center;gap:.4rem;margin:0 0 .55rem}
.chips{margin:.6rem 0 0}
@media (max-width:800px){.sale{grid-template-columns:1fr}}
@media (max-width:640px){html{font-size:16px}main{padding:.75rem}header.bar{gap:.3rem .4rem;padding:.5rem .75rem}header.bar .brand{flex-basis:100%}header.bar a{padding:.25rem .5rem}
#orders .when{display:none}.card{padding:.75rem}.big-amount{font-size:2.4rem}.status.paid{font-size:2.4rem}.done-mark{font-size:7rem}.amount-input{width:100%}.fields>div{flex:1 1 100%}
.charge{width:100%}details{padding:.5rem .6rem}}
@media print{.screen-only,header.bar,.kiosk figcaption{display:none!important}body,html{background:#fff}.kiosk .qr svg{max-width:16cm}}
`;

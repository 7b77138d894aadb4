// The riskgraph page: investigators look up a firm (class, reasons, history, records) and expand
// its network; analysts see where C and D firms concentrate. Everything comes from /api/v1;
// the page holds no data of its own. State lives in the URL (?fid=…&lang=…&view=hotspots); the
// caller's API key lives in sessionStorage only, and the page shows only the parts the key's role
// may use (GET /api/v1/me lists its routes).
"use strict";

// A key handed over in the fragment (#key=rg_…, for scripted opening) moves to sessionStorage and
// leaves the address bar before anything else runs. Never a query parameter: that reaches server logs.
const KEY_STORE = "riskgraph.key";
moveKeyFromFragment();

function moveKeyFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (!fragment.has("key")) return;
  const key = fragment.get("key").trim();
  if (key) sessionStorage.setItem(KEY_STORE, key);
  fragment.delete("key");
  const rest = fragment.toString();
  history.replaceState(history.state, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
}

const TEXT = {
  zh: {
    title: "riskgraph 企业信用风险分类", investigate: "主体核查", hotspots: "风险热点", search: "查询",
    placeholder: "企业名称或统一社会信用代码", reasons: "分类理由", history: "历史分类", network: "关联关系",
    graphHint: "点击节点展开其关联；企业按风险分类着色。", events: "监管与社会记录", month: "月份",
    groupBy: "分组", prefecture: "地市", county: "区县", industry: "行业门类", heat: "各地区/行业风险分布",
    downgrades: "本月降级主体（风险上升）", noRating: "尚未评分", notIntact: "警告：评分记录与其摘要不符，可能被篡改",
    monthTampered: "警告：本月评分未通过完整性校验（可能被篡改），不予统计：",
    score: "得分", model: "模型版本", monthOf: "月份", firm: "企业", person: "自然人", address: "住所",
    noHits: "无匹配主体", key: "代码", label: "名称", firms: "主体数", share: "C+D 占比", before: "上月",
    after: "本月", date: "日期", kind: "类型", detail: "内容", legalRep: "法定代表人", signIn: "登录",
    apiKey: "API 密钥", signInHint: "密钥只保存在本标签页的会话中，关闭标签页即失效。", signOut: "退出",
    noView: "本页面没有适用于该角色的内容，请直接使用 API，接口说明见",
    industryLevel: "行业层级", section: "门类", division: "大类", exportCsv: "导出 CSV",
    heatHint: "颜色为经验贝叶斯平滑后的观测/期望比（按行业大类与主体类型间接标准化）；★ 为热点（BH q 低于阈值），点击地区下钻，点击格子查看详情。",
    allIndustries: "全部行业", province: "省", trend: "平滑比走势", drivers: "主要驱动因素", cellFirms: "本格主体",
    groups: "风险团伙", groupsHint: "关联企业的 Leiden 社区（共同的法定代表人、高管、股东与住所）。", open: "在关联图中打开",
    size: "主体数", expected: "期望", smoothed: "平滑比", firstSeen: "首次出现", regions: "主要地区",
    industries: "主要行业", hotspotMark: "热点", noDrivers: "该格主体过少，未做检验，不计算驱动因素。",
    status: { new: "新出现", persisting: "持续", resolved: "已消除", "": "" }, classes: { A: "A 低风险", B: "B 一般风险",
      C: "C 较高风险", D: "D 高风险" },
  },
  en: {
    title: "riskgraph enterprise credit-risk classes", investigate: "Investigate", hotspots: "Hotspots",
    search: "Search", placeholder: "firm name or unified social credit code", reasons: "Why this class",
    history: "Class history", network: "Related parties", graphHint: "Click a node to expand its links; firms are coloured by class.",
    events: "Regulatory and social records", month: "Month", groupBy: "Group by", prefecture: "Prefecture",
    county: "County", industry: "Industry section", heat: "Where the risk is", downgrades: "Downgraded this month",
    noRating: "not scored yet", notIntact: "Warning: this stored rating does not match its digest (possible tampering)",
    monthTampered: "Warning: this month's ratings fail their integrity check (possible tampering) and are not counted: ",
    score: "score", model: "model", monthOf: "month", firm: "firm", person: "person", address: "address",
    noHits: "no matching firm", key: "code", label: "name", firms: "firms", share: "C+D share", before: "before",
    after: "after", date: "date", kind: "kind", detail: "detail", legalRep: "Legal representative", signIn: "Sign in",
    apiKey: "API key", signInHint: "The key is kept for this tab's session only and is forgotten when the tab closes.",
    signOut: "Sign out", noView: "This page has nothing for this role; use the API instead, described at",
    industryLevel: "Industry level", section: "Section", division: "Division", exportCsv: "Export CSV",
    heatHint: "Colour: the empirical-Bayes smoothed ratio of observed to expected C/D firms (indirectly standardised by industry division and entity kind); ★ marks a hotspot (BH q below the threshold). Click a region to drill down, a cell for details.",
    allIndustries: "All industries", province: "Province", trend: "Smoothed ratio over the months", drivers: "What drives it",
    cellFirms: "Firms of the cell", groups: "Risk groups", groupsHint: "Leiden communities of related firms (shared legal representatives, officers, shareholders and addresses).",
    open: "open in the explorer", size: "firms", expected: "expected", smoothed: "smoothed", firstSeen: "first seen",
    regions: "main regions", industries: "main industries", hotspotMark: "hotspot",
    noDrivers: "Too few firms to be tested: no drivers are kept for this cell.",
    status: { new: "new", persisting: "persisting", resolved: "resolved", "": "" },
    classes: { A: "A low", B: "B normal", C: "C elevated", D: "D high" },
  },
};
const COLOURS = { A: "#2e7d32", B: "#1565c0", C: "#ef6c00", D: "#c62828" };
// The routes the page uses, as GET /api/v1/me lists them (templates of riskgraph/auth/access.yaml).
// A part of the page marked data-needs="<route>|<route>…" shows only when the caller may use one of them.
const ROUTES = {
  search: "GET /api/v1/search", profile: "GET /api/v1/firms/{fid}", rating: "GET /api/v1/firms/{fid}/rating",
  history: "GET /api/v1/firms/{fid}/ratings", events: "GET /api/v1/firms/{fid}/events",
  network: "GET /api/v1/network/{key}", batch: "POST /api/v1/ratings", months: "GET /api/v1/months",
  classes: "GET /api/v1/months/{month}/classes", changes: "GET /api/v1/months/{month}/changes",
  hotspots: "GET /api/v1/months/{month}/hotspots", cellFirms: "GET /api/v1/months/{month}/hotspots/firms",
  trend: "GET /api/v1/months/{month}/hotspots/trend", drivers: "GET /api/v1/months/{month}/hotspots/drivers",
  groups: "GET /api/v1/months/{month}/groups", group: "GET /api/v1/months/{month}/groups/{fid}",
};
const params = new URLSearchParams(location.search);
const state = { lang: params.get("lang") || (navigator.language.startsWith("en") ? "en" : "zh"), graph: null,
  me: null, session: 0, path: [], section: null, sectionName: null, names: {}, cell: null, csv: null };
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key];
const can = (route) => Boolean(state.me && state.me.routes.includes(route));

// A call the API refused (403 and the like): its detail is shown in place.
class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; this.detail = detail; }
}
// The caller has no (valid) key any more: the login form is showing; whatever was under way stops.
class SignedOut extends Error {}

async function api(path, options = {}) {
  const key = sessionStorage.getItem(KEY_STORE);
  if (!key) { showLogin(); throw new SignedOut(); }
  const session = state.session;
  const sep = path.includes("?") ? "&" : "?";
  const response = await fetch(`/api/v1${path}${sep}lang=${state.lang}`, {
    ...options, headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` } });
  if (session !== state.session) throw new SignedOut();  // signed out (or in again) meanwhile: drop the answer
  if (response.status === 401) {
    sessionStorage.removeItem(KEY_STORE);
    showLogin(await detailOf(response));
    throw new SignedOut();
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, (await detailOf(response)) || `${path}: HTTP ${response.status}`);
  return response.json();
}

// A part of the page asks for its data only when the caller may use its route (else null, as for 404).
function part(route, path, options) {
  return can(route) ? api(path, options) : Promise.resolve(null);
}

async function detailOf(response) {
  try {
    const body = await response.json();
    return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch { return ""; }
}

// Runs one of the page's actions: after a 401 the login form is showing already; a refusal (403) or any
// other failure is shown in the notice above the view instead of leaving the view half drawn.
async function run(action) {
  try {
    await action();
  } catch (error) {
    if (error instanceof SignedOut) return;
    $("notice").textContent = error.detail || error.message;
    $("notice").hidden = false;
    document.body.dataset.ready = error.status === 403 ? "forbidden" : "failed";
  }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

function fillTable(table, headers, rows) {
  table.tHead.replaceChildren(el("tr", {}, ...headers.map((h) => el("th", {}, h))));
  table.tBodies[0].replaceChildren(...rows.map((cells) => el("tr", {}, ...cells.map((c) =>
    c instanceof Node ? el("td", {}, c) : el("td", { class: typeof c === "number" ? "num" : "" }, c)))));
}

function clearTable(table) {
  table.tHead.replaceChildren();
  table.tBodies[0].replaceChildren();
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  $("q").placeholder = t("placeholder");
  $("lang").value = state.lang;
  $("legend").replaceChildren(...["A", "B", "C", "D"].map((c) =>
    el("span", {}, el("i", { style: `background:${COLOURS[c]}` }), t("classes")[c])),
  el("span", {}, el("i", { style: "background:#7e57c2" }), t("person")),
  el("span", {}, el("i", { style: "background:#8d6e63;border-radius:0" }), t("address")));
}

// ---------------------------------------------------------------- login

// Shown when no key is held or the API answered 401 (with its reason); nothing of the data stays on the page.
function showLogin(reason = "") {
  state.session += 1;
  state.me = null;
  clearData();
  applyRole();
  for (const id of ["view-firm", "view-hotspots", "no-view", "user", "notice"]) $(id).hidden = true;
  $("login").hidden = false;
  $("login-reason").textContent = reason;
  $("login-reason").hidden = !reason;
  delete document.body.dataset.role;
  document.body.dataset.ready = "login";
  $("key").focus();
}

// Asks who the key belongs to; a key the API refuses (401) is dropped and the login shows its reason.
async function signIn() {
  const me = await api("/me").catch((error) => {
    if (!(error instanceof SignedOut)) showLogin(error.detail || error.message);
    return null;
  });
  if (!me) return;
  state.me = me;
  $("login").hidden = true;
  $("key").value = "";
  showUser();
  applyRole();
  document.body.dataset.role = me.role;
  const view = firstView();
  if (!view) {
    $("no-view").hidden = false;
    document.body.dataset.ready = "no-view";
    return;
  }
  switchView(view);
  const fid = new URLSearchParams(location.search).get("fid");
  if (view === "firm" && fid) await openFirm(fid);
}

function signOut() {
  sessionStorage.removeItem(KEY_STORE);
  showLogin();
}

function showUser() {
  $("user-name").textContent = state.me.name;
  $("user-role").textContent = state.me.role_label;
  $("user").hidden = false;
}

// Every part marked data-needs shows only when the caller may use one of its routes (none after logout).
function applyRole() {
  document.querySelectorAll("[data-needs]").forEach((node) => {
    node.hidden = !node.dataset.needs.split("|").some((route) => can(route.trim()));
  });
}

// The view asked for (?view=hotspots, else Investigate) if the role has it, else the other; null for none.
function firstView() {
  const wanted = new URLSearchParams(location.search).get("view") === "hotspots" ? "hotspots" : "firm";
  return [wanted, "firm", "hotspots"].find((view) => !$(`tab-${view}`).hidden) || null;
}

function clearData() {
  if (state.graph) state.graph.destroy();
  state.graph = null;
  $("graph").replaceChildren();
  $("graph").dataset.nodes = "0";
  $("firm").hidden = true;
  $("badge").className = "badge";
  for (const id of ["hits", "firm-name", "firm-meta", "firm-reps", "badge", "rating-meta", "reasons", "history",
    "mix", "month", "user-name", "user-role", "notice"]) $(id).replaceChildren();
  for (const id of ["events", "heat", "changes", "cell-firms", "groups"]) clearTable($(id));
  for (const id of ["crumbs", "cell-title", "cell-meta", "trend", "drivers", "heat-legend"]) $(id).replaceChildren();
  $("cell-card").hidden = true;
  state.path = [];
  state.section = null;
  setCsv([]);
  $("integrity")?.remove();
  $("q").value = "";
}

// ---------------------------------------------------------------- investigate

async function search(query) {
  const hits = await api(`/search?q=${encodeURIComponent(query)}`);
  $("hits").replaceChildren(...(hits?.length ? hits.map((h) =>
    el("li", { onclick: () => run(() => openFirm(h.fid)) }, `${h.name} · ${h.fid}`)) : [el("li", {}, t("noHits"))]));
}

async function openFirm(fid) {
  history.replaceState(null, "", `?fid=${fid}&lang=${state.lang}`);
  $("hits").replaceChildren();
  const [profile, rating, past, events] = await Promise.all([
    part(ROUTES.profile, `/firms/${fid}`), part(ROUTES.rating, `/firms/${fid}/rating`),
    part(ROUTES.history, `/firms/${fid}/ratings`), part(ROUTES.events, `/firms/${fid}/events?limit=50`)]);
  if (!(can(ROUTES.profile) ? profile : rating)) { $("hits").replaceChildren(el("li", {}, t("noHits"))); return; }
  $("firm").hidden = false;
  $("firm-name").textContent = profile?.name ?? rating?.name ?? fid;
  $("firm-meta").textContent = (profile ? [profile.fid, profile.region, profile.industry, profile.status,
    profile.established, profile.addresses?.[0]?.text] : [fid]).filter(Boolean).join(" · ");
  showLegalReps(profile?.legal_reps || []);
  showRating(rating);
  $("history").replaceChildren(...(past || []).map((h) =>
    el("span", { style: `background:${COLOURS[h.class]}`, title: h.score.toFixed(1) }, `${h.month} ${h.class}`)));
  fillTable($("events"), [t("date"), t("kind"), t("detail")],
    (events || []).map((e) => [e.date, e.kind, [e.detail, e.result, e.amount].filter(Boolean).join(" ")]));
  if (can(ROUTES.network)) await drawNetwork(fid);
  document.body.dataset.ready = "firm";
}

// Persons come by the key they are shown by and a masked name; the masked ID number only for cleared callers.
function showLegalReps(reps) {
  $("firm-reps").replaceChildren(...(reps.length ? [`${t("legalRep")}: `, reps.map((p) =>
    (p.id_masked ? `${p.name} (${p.id_masked})` : p.name)).join("、")] : []));
}

function showRating(rating) {
  const badge = $("badge");
  badge.className = `badge ${rating ? rating.class : ""}`;
  badge.textContent = rating ? rating.class : "–";
  $("rating-meta").replaceChildren(rating
    ? `${t("monthOf")} ${rating.month} · ${t("score")} ${rating.score.toFixed(1)} · ${t("model")} ${rating.model_version}`
    : t("noRating"));
  if (rating && !rating.intact) $("rating-meta").append(el("div", { class: "warn" }, t("notIntact")));
  $("reasons").replaceChildren(...(rating ? rating.reasons.map((r) => el("li", {}, r.text)) : []));
}

function nodeStyle() {
  return [
    { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 110,
      "background-color": "data(colour)", width: 18, height: 18, color: "#1f2328" } },
    { selector: "node[type='person']", style: { shape: "ellipse", width: 12, height: 12 } },
    { selector: "node[type='address']", style: { shape: "diamond", width: 14, height: 14 } },
    { selector: "node[?focus]", style: { width: 28, height: 28, "border-width": 3, "border-color": "#1f2328" } },
    { selector: "edge", style: { width: 1.2, "line-color": "#b0b8c1", "target-arrow-shape": "triangle",
      "target-arrow-color": "#b0b8c1", "curve-style": "bezier", label: "data(label)", "font-size": 7,
      color: "#59636e" } },
    { selector: "edge[?ended]", style: { "line-style": "dashed" } },
  ];
}

async function addNeighbourhood(key) {
  const net = await api(`/network/${encodeURIComponent(key)}?depth=1&max_nodes=80`);
  if (!net) return;
  const cy = state.graph;
  const fresh = net.nodes.filter((n) => cy.getElementById(n.id).empty());
  const firms = fresh.filter((n) => n.type === "firm").map((n) => n.id);
  const classes = {};
  if (firms.length) {
    const batch = await part(ROUTES.batch, "/ratings", { method: "POST", body: JSON.stringify({ fids: firms }) });
    for (const r of batch?.ratings || []) classes[r.fid] = r.class;
  }
  cy.add(fresh.map((n) => ({ group: "nodes", data: { id: n.id, type: n.type, label: n.label || n.id,
    colour: n.type === "firm" ? (COLOURS[classes[n.id]] || "#9e9e9e") : n.type === "person" ? "#7e57c2" : "#8d6e63" } })));
  cy.add(net.edges.filter((e) => cy.getElementById(`${e.source}>${e.type}>${e.target}`).empty()).map((e) => ({
    group: "edges", data: { id: `${e.source}>${e.type}>${e.target}`, source: e.source, target: e.target,
      label: e.type === "SHAREHOLDER_OF" && e.ratio != null ? `${Math.round(e.ratio * 100)}%` : (e.role || ""),
      ended: Boolean(e.until) } })));
  cy.layout({ name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 70 }).run();
  $("graph").dataset.nodes = String(cy.nodes().length);
}

async function drawNetwork(fid) {
  if (state.graph) state.graph.destroy();
  state.graph = cytoscape({ container: $("graph"), style: nodeStyle(), wheelSensitivity: 0.3 });
  await addNeighbourhood(fid);
  state.graph.getElementById(fid).data("focus", true);
  state.graph.on("tap", "node", (event) => {
    const node = event.target;
    if (node.data("type") === "firm" && event.originalEvent?.detail === 2) run(() => openFirm(node.id()));
    else run(() => addNeighbourhood(node.id()));
  });
}

// ---------------------------------------------------------------- hotspots

async function showHotspots() {
  const months = await part(ROUTES.months, "/months");
  if (!months?.length) return;
  const select = $("month");
  if (!select.options.length) select.replaceChildren(...months.map((m) => el("option", { value: m.month }, m.month)));
  for (const option of select.options) {
    const m = months.find((x) => x.month === option.value);
    option.textContent = m && m.verified === false ? `${option.value} ⚠` : option.value;
  }
  const month = select.value || months[0].month;
  const current = months.find((m) => m.month === month);
  if (!showIntegrity(current)) return;
  $("mix").replaceChildren(...["A", "B", "C", "D"].map((c) => el("div", { style: `border-top:4px solid ${COLOURS[c]}` },
    t("classes")[c], el("br"), el("b", {}, (current.class_counts[c] || 0).toLocaleString()))));
  await drawGrid(month);
  await showGroups(month);
  const changes = await downgrades(month);
  fillTable($("changes"), [t("firm"), t("before"), t("after"), t("score")], changes.map((c) => [
    firmLink(c.fid, `${c.name} · ${c.fid}`), c.before, c.after, c.score_after.toFixed(1)]));
  document.body.dataset.ready = "hotspots";
}

// The month compared with may itself fail its check: the API refuses (409) and the flag says why.
async function downgrades(month) {
  try {
    return (await part(ROUTES.changes, `/months/${month}/changes?direction=down&limit=50`)) || [];
  } catch (error) {
    if (error.status !== 409) throw error;
    $("integrity").hidden = false;
    $("integrity").replaceChildren(t("monthTampered") + error.detail);
    return [];
  }
}

// A firm opens in Investigate when the role has that view; otherwise it is only named.
function firmLink(fid, text) {
  if ($("tab-firm").hidden) return el("span", {}, text);
  return el("a", { onclick: () => { switchView("firm"); run(() => openFirm(fid)); } }, text);
}

// A month whose ratings fail their check is flagged and nothing of it is counted (the API refuses its counts).
function showIntegrity(month) {
  let flag = $("integrity");
  if (!flag) {
    flag = el("div", { id: "integrity", class: "warn card" });
    $("mix").before(flag);
  }
  const verified = month.verified !== false;
  flag.hidden = verified;
  flag.replaceChildren(verified ? "" : t("monthTampered") + (month.integrity || ""));
  if (!verified) {
    $("mix").replaceChildren();
    for (const id of ["heat", "changes", "groups", "cell-firms"]) clearTable($(id));
    $("cell-card").hidden = true;
    document.body.dataset.ready = "hotspots";
  }
  return verified;
}

// ---------------------------------------------------------------- the heat grid

const LEVELS = ["province", "prefecture", "county"];
const fmt = (x, digits = 2) => (x == null ? "–" : Number(x).toFixed(digits));
const fmtQ = (q) => (q == null ? "–" : q < 0.001 ? q.toExponential(1) : q.toFixed(3));

// Red above 1 (more C/D firms than the mix explains), blue below; the smoothed ratio, never the raw one.
function heatColour(smoothed) {
  if (smoothed == null) return "transparent";
  const a = Math.min(1, Math.abs(smoothed - 1) / 1.5);
  return smoothed >= 1 ? `rgba(198,40,40,${a.toFixed(2)})` : `rgba(21,101,192,${(a * 0.8).toFixed(2)})`;
}

// The rows shown: provinces, then the prefectures of the province chosen, then its counties.
function gridLevel() { return LEVELS[Math.min(state.path.length, 2)]; }

async function drawGrid(month) {
  if (!state.path.length) {  // one province (the usual registry): start at its prefectures
    const top = await api(`/months/${month}/hotspots?region=province&industry=all`);
    for (const c of top?.cells || []) state.names[c.region] = c.region_name;
    if (top && top.cells.length === 1) state.path = [top.cells[0].region];
  }
  const level = gridLevel();
  const parent = state.path.length ? state.path[Math.min(state.path.length, 2) - 1] : null;
  const industry = state.section ? "division" : $("ind-level").value;
  const q = (extra) => `/months/${month}/hotspots?region=${level}${parent ? `&parent=${parent}` : ""}${extra}`;
  const [grid, margin] = await Promise.all([
    api(q(`&industry=${industry}${state.section ? `&section=${state.section}` : ""}`)), api(q("&industry=all"))]);
  if (!grid || !margin) return;
  for (const c of margin.cells) state.names[c.region] = c.region_name;
  drawCrumbs();
  const columns = [...new Map(grid.cells.map((c) => [c.industry, c.industry_name])).entries()].sort();
  const regions = margin.cells.slice().sort((a, b) => (b.smoothed ?? 0) - (a.smoothed ?? 0));
  const at = new Map(grid.cells.map((c) => [`${c.region}|${c.industry}`, c]));
  const cellTd = (c) => {
    if (!c) return el("td", { class: "cell" }, "");
    const td = el("td", { class: `cell${c.hotspot ? " hot" : ""}`, "data-region": c.region, "data-industry": c.industry,
      title: `${c.region_name} × ${c.industry_name}: ${c.observed}/${fmt(c.expected, 1)} · q ${fmtQ(c.q)}`,
      style: `background:${heatColour(c.smoothed)}`, onclick: () => run(() => openCell(month, c)) },
    fmt(c.smoothed), c.hotspot ? el("small", {}, `★ q=${fmtQ(c.q)}`) : "");
    return td;
  };
  const head = el("tr", {}, el("th", {}, t(level)), el("th", { class: "col" }, t("allIndustries")),
    ...columns.map(([code, name]) => el("th", { class: "col", title: name, "data-industry": code,
      onclick: () => { if (code.length === 1) { state.section = code; state.sectionName = name; run(redrawGrid); } } },
    name)));
  $("heat").tHead.replaceChildren(head);
  $("heat").tBodies[0].replaceChildren(...regions.map((r) => el("tr", {},
    el("th", {}, level === "county" ? r.region_name
      : el("a", { class: "drill", "data-region": r.region, onclick: () => { state.path.push(r.region); run(redrawGrid); } },
        r.region_name)),
    cellTd(r), ...columns.map(([code]) => cellTd(at.get(`${r.region}|${code}`))))));
  $("heat-legend").replaceChildren(...[0.5, 1, 1.5, 2, 2.5].map((v) =>
    el("span", {}, el("i", { style: `background:${heatColour(v)};border-radius:0` }), fmt(v, 1))),
  el("span", {}, `★ ${t("hotspotMark")}: q < ${grid.fdr}, ≥ ${grid.min_observed} C/D · ${grid.analysis_version}`));
  setCsv([...margin.cells, ...grid.cells].map((c) => ({ month, region: c.region, region_name: c.region_name,
    industry: c.industry, industry_name: c.industry_name, firms: c.n, observed: c.observed, expected: c.expected,
    smoothed: c.smoothed, p: c.p, q: c.q, tested: c.tested, hotspot: c.hotspot })), `hotspots-${month}-${parent || "all"}.csv`);
}

async function redrawGrid() {
  document.body.dataset.ready = "loading";
  await drawGrid($("month").value);
  document.body.dataset.ready = "hotspots";
}

function drawCrumbs() {
  const go = (depth) => () => { state.path = state.path.slice(0, depth); state.section = null; run(redrawGrid); };
  const crumbs = [el("a", { onclick: go(0) }, t("province")),
    ...state.path.map((code, i) => el("a", { "data-region": code, onclick: go(i + 1) }, state.names[code] || code))];
  if (state.section) crumbs.push(el("span", {}, state.sectionName || state.section));
  $("crumbs").replaceChildren(...crumbs);
}

// What is shown, as CSV (UTF-8 with a BOM, for spreadsheets), behind the export link.
function setCsv(rows, name = "hotspots.csv") {
  if (state.csv) URL.revokeObjectURL(state.csv);
  state.csv = null;
  const link = $("export-csv");
  if (!rows.length) { link.removeAttribute("href"); return; }
  const cols = Object.keys(rows[0]);
  const quote = (v) => (v == null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const text = [cols.join(","), ...rows.map((r) => cols.map((c) => quote(r[c])).join(","))].join("\n");
  state.csv = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }));
  link.href = state.csv;
  link.download = name;
  link.dataset.rows = String(rows.length);
}

// A cell: its numbers, its trend, its drivers and (investigators) its firms, each opening in Investigate.
async function openCell(month, c) {
  document.body.dataset.ready = "loading";
  state.cell = c;
  document.querySelectorAll("#heat td.selected").forEach((td) => td.classList.remove("selected"));
  document.querySelector(`#heat td[data-region="${c.region}"][data-industry="${c.industry}"]`)?.classList.add("selected");
  const where = `region=${c.region}${c.industry ? `&industry=${c.industry}` : ""}`;
  const [trend, drivers, firms] = await Promise.all([
    part(ROUTES.trend, `/months/${month}/hotspots/trend?${where}`),
    part(ROUTES.drivers, `/months/${month}/hotspots/drivers?${where}`),
    part(ROUTES.cellFirms, `/months/${month}/hotspots/firms?${where}&limit=200`)]);
  $("cell-card").hidden = false;
  $("cell-title").textContent = `${c.region_name} × ${c.industry_name}`;
  $("cell-meta").textContent = `${t("size")} ${c.n} · C+D ${c.observed} / ${t("expected")} ${fmt(c.expected, 1)} · ` +
    `${t("smoothed")} ${fmt(c.smoothed)} · q ${fmtQ(c.q)}${c.hotspot ? ` · ★ ${t("hotspotMark")}` : ""}`;
  drawTrend(trend?.points || []);
  $("drivers").replaceChildren(...(drivers && drivers.computed && drivers.indicators.length
    ? [...drivers.families.map((d) => el("li", {}, `${d.label}: +${fmt(d.excess, 1)} (${Math.round(d.share * 100)}%)`)),
      ...drivers.indicators.map((d) => el("li", { class: "meta" }, `${d.label}: ${fmt(d.cell_mean)} / ${fmt(d.province_mean)}`)),
      ...drivers.groups.map((g) => el("li", { class: "meta" }, `${t("groups")} ${g.anchor}: ${g.observed} / ${fmt(g.expected, 1)}`))]
    : [el("li", { class: "meta" }, t("noDrivers"))]));
  fillTable($("cell-firms"), [t("firm"), t("key"), "", t("score")], (firms?.firms || []).map((f) => [
    firmLink(f.fid, f.name || f.fid), f.fid, f.class, f.score.toFixed(1)]));
  if (firms) setCsv(firms.firms.map((f) => ({ month, fid: f.fid, name: f.name, class: f.class, score: f.score,
    region_name: f.region_name, industry_name: f.industry_name })), `firms-${month}-${c.region}-${c.industry || "all"}.csv`);
  document.body.dataset.ready = "cell";
}

// The smoothed ratio month by month as a line (plain SVG); hotspot months in red, 1 as a dashed line.
function drawTrend(points) {
  const svg = $("trend");
  const ns = "http://www.w3.org/2000/svg";
  const node = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text != null) n.textContent = text;
    return n;
  };
  const shown = points.filter((p) => p.smoothed != null);
  const max = Math.max(2, ...shown.map((p) => p.smoothed));
  const x = (i) => 40 + (points.length > 1 ? (i * 420) / (points.length - 1) : 210);
  const y = (v) => 120 - (v / max) * 100;
  const parts = [node("line", { x1: 40, x2: 460, y1: y(1), y2: y(1), stroke: "#9e9e9e", "stroke-dasharray": "4 3" }),
    node("text", { x: 4, y: y(1) + 4, "font-size": 10 }, "1.0")];
  if (shown.length > 1) {
    parts.push(node("polyline", { fill: "none", stroke: "#1f2328", "stroke-width": 2,
      points: points.map((p, i) => (p.smoothed == null ? null : `${x(i)},${y(p.smoothed)}`)).filter(Boolean).join(" ") }));
  }
  points.forEach((p, i) => {
    if (p.smoothed != null) {
      parts.push(node("circle", { cx: x(i), cy: y(p.smoothed), r: 4, fill: p.hotspot ? COLOURS.D : COLOURS.B,
        "data-month": p.month }, null));
    }
    parts.push(node("text", { x: x(i) - 18, y: 136, "font-size": 10 }, `${p.month} ${t("status")[p.status] || ""}`));
  });
  svg.replaceChildren(...parts);
  svg.dataset.points = String(points.length);
}

// ---------------------------------------------------------------- risk groups

async function showGroups(month) {
  const found = await part(ROUTES.groups, `/months/${month}/groups?min_size=3&limit=50`);
  const names = (places) => places.map((p) => `${p.name} ${p.firms}`).join("、");
  fillTable($("groups"), [t("groups"), t("size"), "C+D", t("expected"), "q", t("firstSeen"), t("regions"),
    t("industries"), ""], (found?.groups || []).map((g) => [g.anchor, g.size, g.observed, fmt(g.expected, 1), fmtQ(g.q),
    g.first_month, names(g.regions), names(g.industries),
    can(ROUTES.group) && !$("tab-firm").hidden ? el("a", { class: "open-group", "data-anchor": g.anchor,
      onclick: () => run(() => openGroup(month, g.anchor)) }, t("open")) : ""]));
}

// A group opens in the explorer: its anchor firm, then the neighbourhoods of its members (up to 25).
async function openGroup(month, anchor) {
  const group = await api(`/months/${month}/groups/${anchor}`);
  if (!group) return;
  switchView("firm");
  await openFirm(anchor);
  document.body.dataset.ready = "loading";
  for (const m of group.members.slice(0, 25)) {
    if (m.fid !== anchor && state.graph && state.graph.getElementById(m.fid).empty()) await addNeighbourhood(m.fid);
  }
  $("graph").dataset.group = anchor;
  document.body.dataset.ready = "group";
}

// Only views the role has (their tab shows) are switched to.
function switchView(view) {
  if ($(`tab-${view}`).hidden) return;
  $("notice").hidden = true;
  $("view-firm").hidden = view !== "firm";
  $("view-hotspots").hidden = view !== "hotspots";
  $("tab-firm").classList.toggle("active", view === "firm");
  $("tab-hotspots").classList.toggle("active", view === "hotspots");
  if (view === "hotspots") run(showHotspots);
}

// ---------------------------------------------------------------- start

$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const key = $("key").value.trim();
  $("key").value = "";
  if (!key) return;
  sessionStorage.setItem(KEY_STORE, key);
  run(signIn);
});
$("logout").addEventListener("click", signOut);
$("search-form").addEventListener("submit", (e) => { e.preventDefault(); run(() => search($("q").value.trim())); });
$("tab-firm").addEventListener("click", () => switchView("firm"));
$("tab-hotspots").addEventListener("click", () => switchView("hotspots"));
$("month").addEventListener("change", () => { $("cell-card").hidden = true; run(showHotspots); });
$("ind-level").addEventListener("change", () => { state.section = null; run(redrawGrid); });
$("lang").addEventListener("change", () => {
  state.lang = $("lang").value;
  applyLanguage();
  if (!state.me) return;
  const fid = new URLSearchParams(location.search).get("fid");
  run(async () => {
    state.me = await api("/me");  // the role's label in the new language
    showUser();
    if (!$("view-hotspots").hidden) await showHotspots(); else if (!$("view-firm").hidden && fid) await openFirm(fid);
  });
});
applyLanguage();
if (sessionStorage.getItem(KEY_STORE)) run(signIn); else showLogin();

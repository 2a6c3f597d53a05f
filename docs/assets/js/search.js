/* Search results page: Pagefind is fetched here, on demand, never on other pages.
   The query is composed to NFC (typed NFD behaves like composed text), filters
   and sort come from the form, and the state lives in the URL to be shared. */
const form = document.querySelector("[data-cchc-search]");
const list = document.querySelector("[data-cchc-results]");
const status = document.querySelector("[data-cchc-search-status]");
const more = document.querySelector("[data-cchc-more]");
const PAGE = 10;
const FILTERS = ["loai", "chuyen-muc", "linh-vuc", "cap"];
let pagefind = null;
let results = [];
let shown = 0;
let run = 0;

async function engine() {
  if (!pagefind) {
    // A module resolves import() against its own URL, so make the bundle's URL absolute first.
    pagefind = await import(new URL(form.dataset.bundle + "pagefind.js", document.baseURI).href);
    // Result URLs relative to where the site is published (it may live below a path).
    await pagefind.options({ excerptLength: 28, baseUrl: new URL(form.dataset.root, document.baseURI).pathname });
    pagefind.init();
  }
  return pagefind;
}

// Pagefind's excerpt is HTML; keep only its text and <mark>, so page text can never become markup.
function excerpt(html) {
  const out = document.createElement("p");
  out.className = "cchc-result__excerpt";
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.body.childNodes.forEach((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  });
  return out;
}

function item(data) {
  const li = document.createElement("li");
  li.className = "cchc-result";
  const type = document.createElement("span");
  type.className = "cchc-result__type";
  type.textContent = data.meta.loai || "Trang";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const title = document.createElement("h2");
  title.className = "cchc-result__title";
  title.append(link);
  const detail = document.createElement("p");
  detail.className = "cchc-meta";
  detail.textContent = [data.meta.ma ? "Mã " + data.meta.ma : "", data.meta.ngay || "", data.meta["tinh-trang"] || ""]
    .filter(Boolean).join(" · ");
  li.append(type, title);
  if (detail.textContent) li.append(detail);
  li.append(excerpt(data.excerpt));
  return li;
}

async function showMore() {
  const batch = results.slice(shown, shown + PAGE);
  const mine = run;
  const data = await Promise.all(batch.map((r) => r.data()));
  if (mine !== run) return;
  data.forEach((d) => list.append(item(d)));
  shown += batch.length;
  more.hidden = shown >= results.length;
}

async function search() {
  const values = Object.fromEntries(new FormData(form));
  const query = (values.q || "").normalize("NFC").trim();
  const params = new URLSearchParams();
  Object.entries(values).forEach(([k, v]) => { if (v) params.set(k, v); });
  history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
  const filters = {};
  FILTERS.forEach((name) => { if (values[name]) filters[name] = values[name]; });
  const anyFilter = Object.keys(filters).length > 0;
  list.replaceChildren();
  more.hidden = true;
  if (!query && !anyFilter) {
    status.textContent = "Gõ từ khoá (có dấu hay không dấu đều được) hoặc mã thủ tục.";
    return;
  }
  const mine = ++run;
  status.textContent = "Đang tìm…";
  const pf = await engine();
  const found = await pf.search(query || null, {
    filters,
    sort: values["sap-xep"] === "moi-nhat" ? { ngay: "desc" } : undefined,
  });
  if (mine !== run) return;
  results = found.results;
  shown = 0;
  await showMore();
  if (mine !== run) return;
  // Announced once the first results are on the page.
  status.textContent = results.length ? `${results.length} kết quả` + (query ? ` cho “${query}”` : "") + "."
    : "Không tìm thấy kết quả. Hãy thử từ khoá khác hoặc bỏ bớt bộ lọc.";
}

const initial = new URLSearchParams(location.search);
Array.from(form.elements).forEach((el) => { if (el.name && initial.has(el.name)) el.value = initial.get(el.name); });
// Filters stay folded on a phone unless the shared URL uses them.
if ([...FILTERS, "sap-xep"].some((name) => initial.get(name))) {
  document.querySelector("[data-cchc-search-options]").open = true;
}
let timer = null;
form.addEventListener("submit", (event) => { event.preventDefault(); search(); });
form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 250); });
form.addEventListener("change", () => search());
more.addEventListener("click", () => showMore());
search();

// Reads link previews the way sharing clients do: open-graph-scraper fetches each URL over HTTP with each
// client's user agent and parses the tags. All URLs and clients in one process, because a node start costs
// more than scraping a page.
//
// stdin:  {"urls": [...], "clients": {"Facebook": "<user agent>", ...}, "onlyOpenGraph": true, "concurrency": 8}
// stdout: {"Facebook": [{"url": ..., "error": null | "...", "result": {...}}, ...], ...} in the order of "urls"
import ogs from 'open-graph-scraper';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString('utf-8'));

const options = (url, userAgent) => ({
  url,
  fetchOptions: { headers: { 'user-agent': userAgent } },
  timeout: 30,
  // The site is served on 127.0.0.1 for the check: no top-level domain there.
  urlValidatorSettings: {
    allow_fragments: true, allow_protocol_relative_urls: false, allow_query_components: true,
    allow_trailing_dot: false, allow_underscores: false, protocols: ['http', 'https'], require_host: true,
    require_port: false, require_protocol: true, require_tld: false, require_valid_protocol: true,
    validate_length: true,
  },
  // Without this, a missing og:title would be filled from <title> and the check could not see it missing.
  onlyGetOpenGraphInfo: job.onlyOpenGraph !== false,
  // open-graph-scraper pairs twitter:image:alt with twitter:image only; read the tag itself too.
  customMetaTags: [{ multiple: false, property: 'twitter:image:alt', fieldName: 'twitterImageAlt' }],
});

async function scrape(url, userAgent) {
  try {
    const { error, result } = await ogs(options(url, userAgent));
    return { url, error: error ? String(result?.error ?? 'error') : null, result };
  } catch (caught) {
    // ogs rejects with {error, result} on fetch errors and 4xx/5xx answers.
    const message = caught?.result?.error ?? caught?.message ?? String(caught);
    return { url, error: String(message), result: caught?.result ?? null };
  }
}

const tasks = Object.entries(job.clients).flatMap(([client, userAgent]) =>
  job.urls.map((url, index) => ({ client, userAgent, url, index })));
const results = Object.fromEntries(Object.keys(job.clients).map((client) => [client, new Array(job.urls.length)]));
let next = 0;
async function worker() {
  while (next < tasks.length) {
    const task = tasks[next++];
    results[task.client][task.index] = await scrape(task.url, task.userAgent);
  }
}
await Promise.all(Array.from({ length: Math.max(1, job.concurrency ?? 8) }, worker));
process.stdout.write(JSON.stringify(results));

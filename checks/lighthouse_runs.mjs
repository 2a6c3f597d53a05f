// Lighthouse on several pages with one Chromium: make verify's browser gate (checks/verify.py).
// Started once per batch, not once per page: launching Chromium and loading Lighthouse took about
// 5 of the 12.7 s of each CLI run here. Each run opens its own tab and clears the origin's storage,
// as the CLI does, so a page is scored as a first visit whatever was scored before it.
//
// Usage: node checks/lighthouse_runs.mjs JOBS.json   JOBS: [{url, report, categories: [...]}, …]
// CHROME_PATH names the browser; CHROME_FLAGS its flags, separated by spaces.
import { readFileSync, writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: (process.env.CHROME_FLAGS || '').split(' ').filter(Boolean),
});
try {
  for (const job of jobs) {
    const result = await lighthouse(job.url, {
      port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: job.categories,
    });
    writeFileSync(job.report, result.report);
  }
} finally {
  await chrome.kill();
}

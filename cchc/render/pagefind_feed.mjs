// Pagefind, fed one built page at a time (see LiveIndex in search_index.py).
//
// stdin: one JSON object per line, {"path": "tin-tuc/x/index.html", "html": "<!doctype html>…"},
// paths relative to the site folder, as the Pagefind CLI would find them on disk.
// When stdin closes, the index is written to the folder given as the only argument.
// Exit 1 with the reasons on stderr if Pagefind refuses a page or cannot write.
import * as pagefind from "pagefind";
import readline from "node:readline";

const [outputPath] = process.argv.slice(2);
const IN_FLIGHT = 32; // pages handed to Pagefind but not yet parsed: enough to keep it busy

const fail = async (messages) => {
  process.stderr.write(messages.join("\n") + "\n");
  await pagefind.close();
  process.exit(1);
};

const { index, errors } = await pagefind.createIndex({});
if (!index) await fail(errors);

const problems = [];
const pending = new Set();
for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line) continue;
  const { path, html } = JSON.parse(line);
  const added = index.addHTMLFile({ sourcePath: path, content: html }).then(
    (response) => problems.push(...response.errors.map((e) => `${path}: ${e}`)),
    (error) => problems.push(`${path}: ${error}`),
  ).finally(() => pending.delete(added));
  pending.add(added);
  if (pending.size >= IN_FLIGHT) await Promise.race(pending);
}
await Promise.all(pending);
if (problems.length) await fail(problems);

const written = await index.writeFiles({ outputPath });
if (written.errors.length) await fail(written.errors);
await pagefind.close();

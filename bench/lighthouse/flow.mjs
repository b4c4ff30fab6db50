// Lighthouse in mobile emulation over every inspector screen, logged in, with
// Debian's Chromium. Prints a table and a JSON line. Usage: node flow.mjs URL [RUNS]
// Lighthouse's own advice on variability is to take the median of several
// runs; each figure below is the median of RUNS (default 5) whole flows.
import puppeteer from 'puppeteer-core';
import { startFlow } from 'lighthouse';

const url = (process.argv[2] || 'http://127.0.0.1:5000').replace(/\/$/, '');
const runs = Number(process.argv[3] || 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function oneFlow() {
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const config = { extends: 'lighthouse:default', settings: { onlyCategories: ['performance', 'accessibility'], formFactor: 'mobile' } };
const flow = await startFlow(page, { config });
const keep = { settingsOverrides: { disableStorageReset: true } };

await flow.navigate(`${url}/`, { name: 'login' });
await page.type('#username', 'inspector');
await page.type('#password', 'demo-patrol');
await page.click('form button[type=submit]');
await page.waitForSelector('#checkpoint-list li', { timeout: 30000 });
await page.waitForSelector('#sync-status[data-state=synced]', { timeout: 30000 });
const checkpoint = await page.$eval('#checkpoint-list a', (link) => link.getAttribute('href'));
await page.click('#checkpoint-list a');
await page.waitForSelector('.stack button.primary');
await page.click('.stack button.primary');
await page.waitForSelector('.checklist');
const inspection = page.url().slice(page.url().indexOf('#'));
await page.goto(`${url}/#/findings`);
await page.waitForSelector('#finding-list a');
const finding = await page.$eval('#finding-list a', (link) => link.getAttribute('href'));
const newFinding = `#/finding/new?checkpoint=${checkpoint.split('/').pop()}`;

const screens = [
  ['checkpoints', '#/checkpoints'], ['checkpoint', checkpoint], ['inspection', inspection],
  ['findings', '#/findings'], ['finding', finding], ['new-finding', newFinding], ['inspections', '#/inspections'], ['sync', '#/sync'],
];
for (const [name, hash] of screens) {
  // A query makes each step a real page load (a bare hash change would not paint anew).
  await flow.navigate(`${url}/?screen=${name}${hash}`, { name, configContext: keep });
}
const result = await flow.createFlowResult();
await browser.close();

for (const step of result.steps) {
  if (step.lhr.runtimeError) console.error(step.name, step.lhr.runtimeError.message);
}
const metric = (step, id) => step.lhr.audits[id].numericValue;
return result.steps.map((step) => ({
  screen: step.name,
  performance: Math.round(100 * step.lhr.categories.performance.score),
  accessibility: Math.round(100 * step.lhr.categories.accessibility.score),
  lcp_ms: Math.round(metric(step, 'largest-contentful-paint')),
  tbt_ms: Math.round(metric(step, 'total-blocking-time')),
  cls: Number(metric(step, 'cumulative-layout-shift').toFixed(3)),
}));
}

const flows = [];
for (let run = 0; run < runs; run += 1) flows.push(await oneFlow());
const rows = flows[0].map((first, index) => {
  const row = { screen: first.screen, worst_performance: Math.min(...flows.map((steps) => steps[index].performance)) };
  for (const key of ['performance', 'accessibility', 'lcp_ms', 'tbt_ms', 'cls']) row[key] = median(flows.map((steps) => steps[index][key]));
  return row;
});
console.log(`median of ${runs} runs; worst performance of any run in the last column`);
console.log('screen        performance  accessibility  LCP ms  TBT ms    CLS   worst   (targets: 95, 100)');
for (const row of rows) {
  console.log(`${row.screen.padEnd(14)}${String(row.performance).padStart(11)}${String(row.accessibility).padStart(15)}`
    + `${String(row.lcp_ms).padStart(8)}${String(row.tbt_ms).padStart(8)}${String(row.cls).padStart(7)}${String(row.worst_performance).padStart(8)}`);
}
console.log(JSON.stringify({ bench: 'lighthouse', form_factor: 'mobile', runs, screens: rows }));

// Lighthouse in mobile emulation over every inspector screen, logged in, with
// Debian's Chromium. Prints a table and a JSON line. Usage: node flow.mjs URL
import puppeteer from 'puppeteer-core';
import { startFlow } from 'lighthouse';

const url = (process.argv[2] || 'http://127.0.0.1:5000').replace(/\/$/, '');
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

const screens = [
  ['checkpoints', '#/checkpoints'], ['checkpoint', checkpoint], ['inspection', inspection],
  ['findings', '#/findings'], ['inspections', '#/inspections'], ['sync', '#/sync'],
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
const rows = result.steps.map((step) => ({
  screen: step.name,
  performance: Math.round(100 * step.lhr.categories.performance.score),
  accessibility: Math.round(100 * step.lhr.categories.accessibility.score),
  lcp_ms: Math.round(metric(step, 'largest-contentful-paint')),
  tbt_ms: Math.round(metric(step, 'total-blocking-time')),
  cls: Number(metric(step, 'cumulative-layout-shift').toFixed(3)),
}));
console.log('screen        performance  accessibility  LCP ms  TBT ms    CLS   (targets: 95, 100)');
for (const row of rows) {
  console.log(`${row.screen.padEnd(14)}${String(row.performance).padStart(11)}${String(row.accessibility).padStart(15)}`
    + `${String(row.lcp_ms).padStart(8)}${String(row.tbt_ms).padStart(8)}${String(row.cls).padStart(7)}`);
}
console.log(JSON.stringify({ bench: 'lighthouse', form_factor: 'mobile', screens: rows }));

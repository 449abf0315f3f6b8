// The learner's cards page (/cards) as the demo student uses it, in English and in Russian: add a
// card, import a small Anki export with one bad row (the preview and its per-row report, then
// Confirm), search and filter, suspend, export the cards as JSON and CSV, and the same page
// offline, served by the service worker and read from the device's documents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

/** An Anki "Notes in Plain Text" export: three header lines, two cards and a row without a back (line 5). */
function ankiFile(words) {
  const [a, b, c, d] = words;
  return Buffer.from(`#separator:tab\n#html:true\n#tags:e2e\n${a}\t${b}<br>!\nsolo una columna\n${c}\t${d}\n`);
}

/** The demo student on /cards, reached from the header's "Cards" entry. */
async function cardsPage(options = {}) {
  const session = await signedInContext(env, "student@demo.local", options);
  await session.page.getByTestId("nav-cards").click();
  await session.page.getByTestId("card-add").waitFor();
  return session;
}

/** The card of the list whose front is `front`. */
function cardItem(page, front) {
  return page.getByTestId("card-item").filter({ has: page.getByTestId("card-item-front").getByText(front, { exact: true }) });
}

async function addCard(page, front, back, tags = "") {
  await page.getByTestId("card-add").click();
  await page.getByTestId("card-front").fill(front);
  await page.getByTestId("card-back").fill(back);
  await page.getByTestId("card-tags").fill(tags);
  await page.getByTestId("card-save").click();
  await cardItem(page, front).waitFor();
}

/** Clicks `testid` and answers the downloaded file's name and text. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), "utf8") };
}

test("a learner adds a card, imports an Anki file with a bad row, searches, suspends and exports", async () => {
  const { context, page } = await cardsPage({ locale: "en-US" });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  const tag = `t${Date.now()}`;
  assert.equal(await page.locator("h1").innerText(), "My cards");

  // An empty form is refused in place; a filled one becomes a card.
  await page.getByTestId("card-add").click();
  await page.getByTestId("card-save").click();
  assert.equal(await page.getByTestId("card-form-invalid").innerText(), "Fill in both sides.");
  await page.getByTestId("card-cancel").click();
  await addCard(page, `Capital of Peru ${tag}`, "Lima", `geo ${tag}`);
  assert.match(await cardItem(page, `Capital of Peru ${tag}`).innerText(), /Mine/);

  // Import: the preview counts, the report names line 5, nothing is added before Confirm.
  const before = Number(await page.getByTestId("card-list").getAttribute("data-count"));
  await page.getByTestId("import-file").setInputFiles({
    name: "spanish.txt",
    mimeType: "text/plain",
    buffer: ankiFile([`uno ${tag}`, "one", `dos ${tag}`, "two"]),
  });
  await page.getByTestId("import-preview").waitFor();
  assert.equal(await page.getByTestId("import-ready").innerText(), "2 cards ready to import");
  assert.equal(await page.getByTestId("import-problems").innerText(), "1 row with a problem");
  const report = page.getByTestId("import-report").locator("li");
  assert.equal(await report.count(), 1);
  assert.equal(await report.first().getAttribute("data-line"), "5");
  assert.equal(await report.first().innerText(), "Line 5: The back is missing");
  assert.equal(Number(await page.getByTestId("card-list").getAttribute("data-count")), before);
  await page.getByTestId("import-confirm").click();
  assert.equal(await page.getByTestId("import-done").innerText(), "2 cards imported.");
  await cardItem(page, `uno ${tag}`).waitFor();
  assert.match(await cardItem(page, `uno ${tag}`).innerText(), /Imported/);

  // Search: every word, in any side or the tags.
  await page.getByTestId("cards-search").fill(`${tag} lima`);
  await page.waitForFunction(() => document.querySelector('[data-testid="card-list"]')?.dataset.count === "1");
  await page.getByTestId("cards-search").fill(tag);
  await page.waitForFunction(() => document.querySelector('[data-testid="card-list"]')?.dataset.count === "3");

  // Suspend one; the "Suspended" filter lists it alone among these.
  await cardItem(page, `dos ${tag}`).getByTestId("card-suspend").click();
  await cardItem(page, `dos ${tag}`).getByTestId("card-suspended").waitFor();
  await page.getByTestId("cards-state").selectOption("suspended");
  await page.waitForFunction(() => document.querySelector('[data-testid="card-list"]')?.dataset.count === "1");
  await page.getByTestId("cards-state").selectOption("all");

  // Export: the JSON and CSV files hold the cards as the README says.
  const json = await download(page, "export-json");
  assert.match(json.name, /^cards-\d{4}-\d{2}-\d{2}\.json$/);
  const file = JSON.parse(json.text);
  assert.equal(file.format, "eduplatform-cards");
  assert.equal(file.version, 1);
  const uno = file.cards.find((card) => card.front === `uno ${tag}`);
  assert.equal(uno.back, "one\n!");
  assert.deepEqual(uno.tags, ["e2e"]);
  assert.equal(uno.source, "import");
  assert.equal(uno.course_id, null);
  assert.equal(file.cards.find((card) => card.front === `dos ${tag}`).suspended, true);
  const csv = await download(page, "export-csv");
  assert.match(csv.name, /^cards-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.ok(csv.text.startsWith("front,back,tags,card_id,source,"), csv.text.slice(0, 80));
  assert.ok(csv.text.includes(`Capital of Peru ${tag},Lima,geo ${tag},`));

  // Deleting an own card asks first.
  await cardItem(page, `Capital of Peru ${tag}`).getByTestId("card-delete").click();
  await cardItem(page, `Capital of Peru ${tag}`).getByTestId("card-delete-confirm").click();
  await cardItem(page, `Capital of Peru ${tag}`).waitFor({ state: "detached" });

  assert.deepEqual(errors, []);
  await context.close();
});

test("the cards page reads in Russian: the import report, its counts and the statistics", async () => {
  const { context, page } = await cardsPage();
  await page.getByTestId("locale-switch").selectOption("ru");
  await page.waitForFunction(() => document.documentElement.lang === "ru");
  const tag = `т${Date.now()}`;
  assert.equal(await page.locator("h1").innerText(), "Мои карточки");
  await addCard(page, `Столица Франции ${tag}`, "Париж");
  assert.match(await cardItem(page, `Столица Франции ${tag}`).innerText(), /Моя/);

  await page.getByTestId("import-file").setInputFiles({
    name: "слова.txt",
    mimeType: "text/plain",
    buffer: ankiFile([`кот ${tag}`, "cat", `пёс ${tag}`, "dog"]),
  });
  await page.getByTestId("import-preview").waitFor();
  assert.equal(await page.getByTestId("import-ready").innerText(), "2 карточки готовы к импорту");
  assert.equal(await page.getByTestId("import-problems").innerText(), "1 строка с ошибкой");
  assert.equal(
    await page.getByTestId("import-report").locator("li").first().innerText(),
    "Строка 5: Нет оборотной стороны",
  );
  assert.equal(await page.getByTestId("import-confirm").innerText(), "Импортировать 2 карточки");
  await page.getByTestId("import-confirm").click();
  assert.equal(await page.getByTestId("import-done").innerText(), "Импортировано 2 карточки.");
  await cardItem(page, `кот ${tag}`).waitFor();

  // The statistics: a forecast with today's due cards, and the retention setting's range.
  assert.equal(await page.locator("#cards-stats-title").innerText(), "Статистика");
  await page.getByTestId("chart-forecast").locator("svg").waitFor();
  await page.getByTestId("retention-input").fill("99");
  await page.getByTestId("retention-save").click();
  assert.equal(await page.getByTestId("retention-status").innerText(), "Выберите значение от 70% до 97%.");
  await page.getByTestId("retention-input").fill("85");
  await page.getByTestId("retention-save").click();
  await page.getByTestId("retention-status").filter({ hasText: "Сохранено" }).waitFor();
  assert.match(await page.getByTestId("personal-schedule").innerText(), /^Стандартное расписание/);
  await context.close();
});

test("offline, the cards page comes from the service worker and the device's documents; changes wait there", async () => {
  const { context, page } = await cardsPage({ locale: "en-US" });
  const tag = `o${Date.now()}`;
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  await addCard(page, `Online card ${tag}`, "made online");

  await context.setOffline(true);
  await page.reload();
  await page.getByTestId("card-add").waitFor();
  await cardItem(page, `Online card ${tag}`).waitFor();
  await addCard(page, `Offline card ${tag}`, "made offline", tag);
  await page.getByTestId("import-file").setInputFiles({
    name: "offline.txt",
    mimeType: "text/plain",
    buffer: ankiFile([`tres ${tag}`, "three", `cuatro ${tag}`, "four"]),
  });
  await page.getByTestId("import-confirm").click();
  await page.getByTestId("import-done").waitFor();
  await page.reload();
  await cardItem(page, `Offline card ${tag}`).waitFor();
  await cardItem(page, `cuatro ${tag}`).waitFor();
  const json = await download(page, "export-json");
  assert.ok(JSON.parse(json.text).cards.some((card) => card.front === `Offline card ${tag}`));
  await context.close();
});

test("Cancel while an import is being written leaves the cards as they were", async () => {
  const { context, page } = await cardsPage({ locale: "en-US" });
  const tag = `c${Date.now()}`;
  const rows = Array.from({ length: 3000 }, (_, i) => `word ${i} ${tag}\tmeaning ${i}`).join("\n");
  await page.getByTestId("import-file").setInputFiles({ name: "big.txt", mimeType: "text/plain", buffer: Buffer.from(`#separator:tab\n${rows}\n`) });
  await page.getByTestId("import-preview").waitFor();
  assert.equal(await page.getByTestId("import-ready").getAttribute("data-count"), "3000");
  // The machine made ten times slower, as a cheap phone is, so the progress bar stays up long
  // enough to press Cancel on it.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 10 });
  await page.getByTestId("import-confirm").click();
  const progress = page.getByTestId("import-progress");
  await progress.waitFor();
  // Dispatched rather than clicked: the busy page would keep a pointer click waiting for frames.
  await progress.getByTestId("import-cancel").dispatchEvent("click");
  await page.getByTestId("import-cancelled").waitFor({ timeout: 60_000 });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  assert.equal(await page.getByTestId("import-cancelled").innerText(), "Import cancelled: nothing was added.");
  // Nothing was added, also after a reload: no card carries the file's words.
  await page.reload();
  await page.getByTestId("card-add").waitFor();
  await page.getByTestId("cards-search").fill(tag);
  await page.locator('[data-testid="cards-no-matches"], [data-testid="cards-empty"]').first().waitFor();
  assert.equal(await page.getByTestId("card-item").count(), 0);
  await context.close();
});

// Teacher authoring journeys: a course is created and edited with autosave, gets an outline that is
// reordered from the keyboard, a lesson in Markdown with its preview, a cover; it is published (a
// course without lessons is refused with a message); a zipped book is imported after a dry run; a
// student may not open the editor; the editor speaks Russian.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

// A stored-only (no compression) zip writer: enough for a small book.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function zip(files) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const path = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(path.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(path.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, path, data);
    central.push(entry, path);
    offset += local.length + path.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

function signedIn(email, options = {}) {
  return signedInContext(env, email, options, (page) => page.on("dialog", (dialog) => dialog.accept()));
}

/** Creates a course from the dashboard and returns its id once the editor shows. */
async function createCourse(page, title) {
  await page.goto(`${env.server.url}/teach`);
  await page.getByTestId("teach-dashboard").waitFor();
  await page.locator("#new-course-name").fill(title);
  await page.getByRole("button", { name: "Create course" }).click();
  await page.waitForURL(/\/teach\/courses\/[^/]+$/);
  await page.locator("#course-editor-title").waitFor();
  return page.url().split("/").pop();
}

async function waitSaved(page) {
  await page.getByTestId("save-status").filter({ hasText: "Saved" }).waitFor();
}

async function lessonTitles(page) {
  return page.locator("[data-testid=outline-lesson] .outline-item__title").allInnerTexts();
}

test("a teacher creates a course, edits it with autosave, orders its lessons, writes one and publishes it", async () => {
  const { context, page } = await signedIn("teacher@demo.local");
  const id = await createCourse(page, "Autosaved course");
  await waitSaved(page);

  await page.locator("#course-editor-title").fill("Autosaved course, renamed");
  await page.getByTestId("save-status").filter({ hasText: "Saving…" }).waitFor();
  await waitSaved(page);
  await page.reload();
  await page.locator("#course-editor-title").waitFor();
  assert.equal(await page.locator("#course-editor-title").inputValue(), "Autosaved course, renamed");

  // Outline: a module and two lessons, then the keyboard swaps them.
  await page.getByTestId("outline-empty").waitFor();
  await page.locator("#add-module").fill("Getting started");
  await page.locator("#add-module").press("Enter");
  await page.getByTestId("outline-module").waitFor();
  const addLesson = page.locator("[data-testid^=add-lesson-] input");
  await addLesson.fill("First lesson");
  await addLesson.press("Enter");
  await page.getByTestId("outline-lesson").first().waitFor();
  await addLesson.fill("Second lesson");
  await addLesson.press("Enter");
  await page.getByTestId("outline-lesson").nth(1).waitFor();
  assert.deepEqual(await lessonTitles(page), ["First lesson", "Second lesson"]);

  await page.getByTestId("outline-lesson").first().focus();
  await page.keyboard.press("Alt+ArrowDown");
  await page.getByText("New order saved.").waitFor({ state: "attached" });
  assert.deepEqual(await lessonTitles(page), ["Second lesson", "First lesson"]);
  assert.match(
    await page.evaluate(() => document.activeElement?.textContent ?? ""),
    /First lesson/,
    "focus stays on the moved lesson",
  );
  // The move button moves it back up, and back down again.
  await page.getByRole("button", { name: "Move First lesson up" }).click();
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=outline-lesson] .outline-item__title")?.textContent === "First lesson",
  );
  await page.getByRole("button", { name: "Move First lesson down" }).click();
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=outline-lesson] .outline-item__title")?.textContent === "Second lesson",
  );
  await page.waitForTimeout(1000);
  await page.reload();
  await page.getByTestId("outline-lesson").nth(1).waitFor();
  assert.deepEqual(await lessonTitles(page), ["Second lesson", "First lesson"], "the order persists");

  // Cover: a PNG is taken, a text file is refused with the 415 message.
  await page.getByTestId("cover-file").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just text") });
  await page.getByTestId("cover-error").waitFor();
  assert.match(await page.getByTestId("cover-error").innerText(), /not accepted/);
  await page.getByTestId("cover-file").setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: PNG });
  await page.getByTestId("cover-preview").waitFor();
  await waitSaved(page);

  // A lesson in Markdown with a code block and a table, previewed as learners see it.
  await page.getByRole("link", { name: "First lesson" }).click();
  await page.locator("#lesson-editor-body").waitFor();
  const markdown = [
    "# Hello",
    "",
    "```rust",
    'fn main() { println!("hi"); }',
    "```",
    "",
    "| Name | Value |",
    "| ---- | ----- |",
    "| a    | 1     |",
  ].join("\n");
  await page.locator("#lesson-editor-body").fill(markdown);
  await page.getByTestId("save-status").filter({ hasText: "Saving…" }).waitFor();
  await waitSaved(page);
  await page.getByTestId("tab-preview").click();
  await page.locator("[data-testid=preview] table").waitFor();
  assert.ok((await page.locator("[data-testid=preview] pre [class*=hl-]").count()) > 0, "code is highlighted");
  assert.equal(
    await page.getByTestId("view-as-student").getAttribute("href"),
    `/courses/${id}/lessons/${page.url().split("/").pop()}`,
  );
  await page.reload();
  await page.locator("#lesson-editor-body").waitFor();
  assert.equal(await page.locator("#lesson-editor-body").inputValue(), markdown);

  // Publish, and the catalog lists it.
  await page.goto(`${env.server.url}/teach/courses/${id}`);
  await page.getByTestId("publish").click();
  await page.getByTestId("archive").waitFor();
  assert.equal(await page.getByTestId("course-status").first().innerText(), "Published");
  const catalog = await (await context.request.get(`${env.server.url}/api/courses?limit=100`)).json();
  assert.ok(catalog.items.some((course) => course.id === id), "the published course is in the catalog");

  // The dashboard lists it first, as just edited (in the reader's words, the full time on hover).
  await page.goto(`${env.server.url}/teach`);
  const row = page.locator(`[data-testid=teach-course][data-id="${id}"]`);
  const edited = row.getByTestId("teach-course-edited");
  assert.match(await edited.innerText(), /^Edited (now|\d+ seconds? ago|\d+ minutes? ago)$/);
  assert.match(await edited.getAttribute("title"), /\d{4}/);
  assert.equal(await page.getByTestId("teach-course").first().getAttribute("data-id"), id);

  // A second course with no lessons cannot be published.
  await createCourse(page, "Empty course");
  await page.getByTestId("publish").click();
  await page.getByTestId("status-problem").filter({ hasText: "Add a lesson first" }).waitFor();
  await context.close();
});

test("a zipped book is previewed, imported, and only its teacher may edit it; the editor speaks Russian", async () => {
  const { context, page } = await signedIn("teacher@demo.local");
  await page.goto(`${env.server.url}/teach`);
  await page.getByTestId("teach-dashboard").waitFor();
  const book = zip({
    "book.toml": '[book]\ntitle = "Zipped book"\nlanguage = "en"\n',
    "src/SUMMARY.md": "# Summary\n\n# Part one\n\n- [Chapter one](ch1.md)\n- [Chapter two](ch2.md)\n",
    "src/ch1.md": "# Chapter one\n\nHello from the zip.\n\n![A picture](missing.png)\n",
    "src/ch2.md": "# Chapter two\n\nThe end.\n",
  });
  await page.getByTestId("import-file").setInputFiles({ name: "book.zip", mimeType: "application/zip", buffer: book });
  await page.getByTestId("import-preview").waitFor();
  assert.equal(await page.getByTestId("import-title").innerText(), "Zipped book");
  assert.equal(await page.getByTestId("import-lesson-count").innerText(), "2");
  assert.match(await page.getByTestId("import-preview").innerText(), /missing\.png\s+missing/);
  await page.getByTestId("import-confirm").click();
  await page.waitForURL(/\/teach\/courses\/[^/]+$/);
  await page.getByTestId("outline-lesson").nth(1).waitFor();
  assert.equal(await page.locator("#course-editor-title").inputValue(), "Zipped book");
  const id = page.url().split("/").pop();

  // A broken zip is refused with the server's words.
  await page.goto(`${env.server.url}/teach`);
  await page.getByTestId("import-file").setInputFiles({ name: "bad.zip", mimeType: "application/zip", buffer: Buffer.from("not a zip") });
  await page.getByTestId("import-error").waitFor();

  // Russian labels.
  await page.goto(`${env.server.url}/teach/courses/${id}`);
  await page.locator("#course-editor-title").waitFor();
  await page.getByTestId("locale-switch").selectOption("ru");
  await page.waitForFunction(() => document.documentElement.lang === "ru");
  assert.equal(await page.locator("label[for=course-editor-title]").innerText(), "Название");
  assert.match(await page.getByTestId("outline").innerText(), /[а-яё]/i);
  await context.close();

  const student = await signedIn("student@demo.local");
  await student.page.goto(`${env.server.url}/teach/courses/${id}`);
  await student.page.getByTestId("not-your-course").waitFor();
  assert.match(await student.page.getByTestId("not-your-course").innerText(), /not yours to edit/);
  await student.context.close();
});

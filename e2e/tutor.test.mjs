// The Socratic tutor beside a lesson, end to end. No language model is configured here, so the
// built-in offline tutor answers. On a laptop in English a learner asks, watches the reply stream
// in with its offline-tutor badge and citations, shows a cited passage in the lesson, rates the
// reply, finds the conversation again after a reload and deletes it; on a phone in Russian the
// drawer is a bottom sheet; offline it says it needs a connection and shows the lesson's key points;
// the course's teacher sees in the course editor what learners keep asking, never who.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_PASSWORD, apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();
const apiAs = apiCallers(env);

const OWNERSHIP = `# Ownership

Every value in Rust has a single owner. When the owner goes out of scope, the value is dropped and its memory is freed.

Assigning a value to another variable moves ownership: the first variable can no longer be used. Types such as integers implement Copy, so they are copied instead of moved.

A reference borrows a value without taking ownership. The borrow checker makes sure that a reference never outlives the value it points to, and that a mutable reference is never shared.

Lifetimes name how long a reference stays valid. The compiler infers most lifetimes, and asks for annotations only when it cannot tell.`;

const VLADENIE = `# Владение

У каждого значения в Rust есть единственный владелец. Когда владелец выходит из области видимости, значение удаляется и его память освобождается.

Присваивание значения другой переменной перемещает владение: первой переменной больше нельзя пользоваться. Целые числа реализуют Copy, поэтому они копируются, а не перемещаются.

Ссылка заимствует значение, не забирая владение. Проверка заимствований следит, чтобы ссылка не жила дольше значения, на которое указывает.`;

/** A published course of one lesson with `body`, the demo student enrolled. */
async function publishedLesson(title, body, language = "en") {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title, language, level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Basics" });
  const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title });
  await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body });
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);
  return { course, lesson, url: `${env.server.url}/courses/${course.id}/lessons/${lesson.id}` };
}

/** Whether `block` holds four words in a row of `quote` (whitespace and case aside). */
function sharesWords(block, quote) {
  const norm = (text) => text.replace(/…/g, " ").toLowerCase().split(/\s+/).filter(Boolean);
  const text = ` ${norm(block).join(" ")} `;
  const words = norm(quote);
  const run = Math.min(4, words.length);
  return words.some((_, at) => at + run <= words.length && text.includes(` ${words.slice(at, at + run).join(" ")} `));
}

/** Records whether the "thinking" state or a streaming reply was ever on the page. */
async function watchStreaming(page) {
  await page.evaluate(() => {
    window.__tutorSeen = [];
    new MutationObserver(() => {
      for (const id of ["tutor-thinking", "tutor-streaming"]) {
        if (!window.__tutorSeen.includes(id) && document.querySelector(`[data-testid="${id}"]`)) {
          window.__tutorSeen.push(id);
        }
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
}

/** Asks `question` in the open drawer (Enter sends) and waits for the tutor's finished reply. */
async function ask(page, question) {
  await watchStreaming(page);
  await page.getByTestId("tutor-input").fill(question);
  await page.getByTestId("tutor-input").press("Enter");
  await page.locator('[data-testid="tutor-message"][data-author="learner"]').filter({ hasText: question }).waitFor();
  const reply = page.locator('[data-testid="tutor-message"][data-author="tutor"]').last();
  await reply.waitFor({ timeout: 30_000 });
  await page.getByTestId("tutor-streaming").waitFor({ state: "detached" });
  const seen = await page.evaluate(() => window.__tutorSeen);
  assert.ok(seen.length > 0, "the thinking state or the streaming reply was shown");
  return reply;
}

test("on a laptop a learner asks the tutor, sees a cited reply stream in, rates it, finds the conversation again and deletes it", async () => {
  const { lesson, url } = await publishedLesson("Ownership", OWNERSHIP);
  const errors = [];
  const { context, page } = await signedInContext(
    env,
    "student@demo.local",
    { locale: "en-US", viewport: { width: 1280, height: 800 } },
    (p) => p.on("pageerror", (error) => errors.push(String(error))),
  );
  await page.goto(url);
  await page.getByTestId("lesson-title").waitFor();

  // The button opens the drawer docked on the right, beside the lesson text, the text box focused.
  const button = page.getByTestId("tutor-open");
  assert.equal(await button.innerText(), "Ask the tutor");
  assert.match(await button.getAttribute("title"), /Alt\+T/);
  await button.click();
  const panel = page.getByTestId("tutor-panel");
  await panel.waitFor();
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === "tutor-input");
  // The panel slides in; measure it once it is in place.
  await page.waitForFunction(() => {
    const box = document.querySelector('[data-testid="tutor-panel"]').getBoundingClientRect();
    return Math.abs(box.right - document.documentElement.clientWidth) < 1;
  });
  const panelBox = await panel.boundingBox();
  assert.ok(panelBox.width >= 380 && panelBox.width <= 440, `a ~420 px panel, got ${panelBox.width}`);
  assert.ok(panelBox.height >= 790, "full height");
  await page.waitForTimeout(300);
  const body = await page.getByTestId("lesson-body").boundingBox();
  assert.ok(body.x + body.width <= panelBox.x + 1, "the lesson text is beside the panel, not under it");

  // A question; the offline tutor's reply streams in, labelled, with citations.
  const reply = await ask(page, "What is ownership?");
  assert.equal(await reply.getByTestId("tutor-without-llm").innerText(), "Offline tutor (no language model)");
  assert.ok((await reply.getByTestId("tutor-citation").count()) >= 1, "at least one cited passage");
  const quote = await reply.getByTestId("tutor-citation").first().locator(".tutor-passage__quote").innerText();
  assert.ok(quote.length > 0);

  // A cited passage is shown in the lesson: scrolled to and lit for a moment.
  await reply.getByTestId("tutor-citation").first().click();
  const cited = page.locator('[data-testid="lesson-body"] .is-cited');
  await cited.waitFor();
  assert.ok(sharesWords(await cited.innerText(), quote), "the lit block holds words of the quote");

  // Thumbs up, then a comment.
  await reply.getByTestId("tutor-rate-up").click();
  await reply.locator('[data-testid="tutor-feedback"][data-rating="up"]').waitFor();
  assert.equal(await reply.getByTestId("tutor-rate-up").getAttribute("aria-pressed"), "true");
  await reply.getByTestId("tutor-comment").fill("Good question back to me.");
  await reply.getByTestId("tutor-comment-send").click();
  await reply.getByTestId("tutor-feedback-saved").waitFor();

  // Esc closes; Alt+T opens it again, the conversation still there.
  await page.keyboard.press("Escape");
  await page.getByTestId("tutor-drawer").waitFor({ state: "hidden" });
  await page.keyboard.press("Alt+KeyT");
  await panel.waitFor();
  assert.equal(await page.locator('[data-testid="tutor-message"][data-author="tutor"]').count(), 1);

  // After a reload the conversation is listed, reopens with its messages and its rating.
  await page.reload();
  await page.getByTestId("tutor-open").click();
  const listed = page.getByTestId("tutor-conversation").filter({ hasText: "What is ownership?" });
  await listed.waitFor();
  assert.match(await listed.innerText(), /2 messages/);
  await listed.getByTestId("tutor-conversation-open").click();
  await page.locator('[data-testid="tutor-message"][data-author="learner"]').filter({ hasText: "What is ownership?" }).waitFor();
  const stored = page.locator('[data-testid="tutor-message"][data-author="tutor"]');
  await stored.waitFor();
  await stored.locator('[data-testid="tutor-feedback"][data-rating="up"]').waitFor();
  assert.ok((await stored.getByTestId("tutor-citation").count()) >= 1);

  // Deleted after a confirmation: gone from the list and from the server.
  await page.getByTestId("tutor-new").click();
  const item = page.getByTestId("tutor-conversation").filter({ hasText: "What is ownership?" });
  await item.getByTestId("tutor-delete").click();
  await item.getByTestId("tutor-delete-confirm").click();
  await page.getByTestId("tutor-conversations-empty").waitFor();
  const student = await apiAs("student@demo.local");
  const left = await student("GET", `/api/lessons/${lesson.id}/tutor/conversations`);
  assert.deepEqual(left.items, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("on a phone in Russian the tutor is a bottom sheet with Russian labels and no sideways scrolling", async () => {
  const { url } = await publishedLesson("Владение", VLADENIE, "ru");
  const { context, page } = await signedInContext(env, "student@demo.local", {
    locale: "ru-RU",
    viewport: { width: 375, height: 740 },
    hasTouch: true,
    isMobile: true,
  });
  await page.goto(url);
  await page.getByTestId("locale-switch").selectOption("ru");
  const button = page.getByTestId("tutor-open");
  await button.filter({ hasText: "Спросить наставника" }).waitFor();
  await button.click();

  // A sheet from the bottom edge, the whole width, most of the height.
  const panel = page.getByTestId("tutor-panel");
  await panel.waitFor();
  await page.waitForFunction(() => {
    const box = document.querySelector('[data-testid="tutor-panel"]').getBoundingClientRect();
    return Math.abs(box.bottom - document.documentElement.clientHeight) < 1;
  });
  const box = await panel.boundingBox();
  const screen = await page.evaluate(() => [document.documentElement.clientWidth, document.documentElement.clientHeight]);
  const [width, height] = screen;
  assert.ok(Math.abs(box.x) <= 1 && Math.abs(box.width - width) <= 1, `full width, got ${JSON.stringify(box)} on ${screen}`);
  assert.ok(Math.abs(box.y + box.height - height) <= 1, "at the bottom edge");
  assert.ok(box.y >= height * 0.08 && box.y <= height * 0.25, `in the lower part, ~85% tall, got y=${box.y}`);

  assert.equal(await page.locator("#tutor-title").innerText(), "Наставник");
  assert.equal(await page.getByTestId("tutor-input").getAttribute("placeholder"), "Спросите об этом уроке…");
  assert.equal(await page.getByTestId("tutor-send").innerText(), "Отправить");
  assert.equal(await page.getByTestId("tutor-close").getAttribute("aria-label"), "Закрыть наставника");

  const reply = await ask(page, "Что такое владение?");
  assert.equal(await reply.getByTestId("tutor-without-llm").innerText(), "Офлайн-наставник (без языковой модели)");
  assert.match(await reply.getByTestId("tutor-feedback").innerText(), /Этот ответ помог\?/);

  const overflow = await page.evaluate(() => {
    const panel = document.querySelector('[data-testid="tutor-panel"]');
    return {
      page: document.documentElement.scrollWidth - window.innerWidth,
      panel: panel.scrollWidth - panel.clientWidth,
    };
  });
  assert.deepEqual(overflow, { page: 0, panel: 0 }, "nothing scrolls sideways");

  await page.getByTestId("tutor-close").click();
  await page.getByTestId("tutor-drawer").waitFor({ state: "hidden" });
  await context.close();
});

test("offline the tutor says it needs a connection and shows the lesson's key points", async () => {
  const { url } = await publishedLesson("Ownership offline", OWNERSHIP);
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" });
  // The summary is made in the background on publishing.
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(url);
    await page.getByTestId("lesson-title").waitFor();
    if ((await page.getByTestId("lesson-summary").count()) > 0) break;
    if (Date.now() > deadline) throw new Error("the lesson's summary never appeared");
    await page.waitForTimeout(1_000);
  }
  const keyPoints = await page.locator('[data-testid="lesson-summary"] .lesson-summary__points li').allInnerTexts();
  assert.ok(keyPoints.length > 0, "the summary has key points");

  await context.setOffline(true);
  await page.getByTestId("tutor-open").click();
  const note = page.getByTestId("tutor-needs-connection");
  await note.waitFor();
  assert.match(await note.innerText(), /The tutor needs a connection/);
  assert.deepEqual(await page.locator('[data-testid="tutor-key-points"] li').allInnerTexts(), keyPoints);
  assert.equal(await page.getByTestId("tutor-input").count(), 0, "no text box offline");

  // Back online, the chat returns.
  await context.setOffline(false);
  await page.getByTestId("tutor-input").waitFor();
  await page.getByTestId("tutor-needs-connection").waitFor({ state: "detached" });
  await context.close();
});

/** A new, verified learner whose password is the demo one (so `apiAs` signs them in). */
async function newLearner(name) {
  const email = `${name}.${Date.now()}@example.com`;
  const registered = await fetch(`${env.server.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD, display_name: name, locale: "en", time_zone: "UTC" }),
  });
  assert.equal(registered.status, 202);
  const token = (await env.server.mail(email)).text.match(/\/verify-email\?token=([\w-]+)/)[1];
  const verified = await fetch(`${env.server.url}/api/auth/verify-email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  assert.equal(verified.status, 200);
  return email;
}

/** Asks the tutor about `lesson` through the API, reads the reply's event stream to its end and returns the stored reply's id. */
async function askThroughApi(call, lesson, text) {
  const stream = await call("POST", `/api/lessons/${lesson.id}/tutor/messages`, { text }, { asText: true });
  const last = stream.split("\n").filter((line) => line.startsWith("data:")).at(-1);
  const event = JSON.parse(last.slice("data:".length));
  assert.equal(event.type, "done", `the reply was finished: ${last}`);
  return event.reply.id;
}

test("the course's teacher sees on a phone which lesson learners ask the tutor about, and the question two of them asked", async () => {
  const { course, lesson } = await publishedLesson("Ownership insights", OWNERSHIP);
  const { context, page } = await signedInContext(env, "teacher@demo.local", {
    locale: "en-US",
    viewport: { width: 375, height: 740 },
    hasTouch: true,
    isMobile: true,
  });
  const editor = `${env.server.url}/teach/courses/${course.id}`;

  // Nobody has asked yet.
  await page.goto(editor);
  const insights = page.getByTestId("tutor-insights");
  await insights.getByTestId("tutor-insights-empty").waitFor();
  assert.equal(await insights.getByTestId("tutor-insights-empty").innerText(), "No learner has asked the tutor yet.");

  // Two learners ask the same thing in other words; one rates the reply up.
  const student = await apiAs("student@demo.local");
  const other = await apiAs(await newLearner("lin"));
  await other("POST", `/api/courses/${course.id}/enrollment`);
  const reply = await askThroughApi(student, lesson, "How does a String move when it is assigned?");
  await askThroughApi(other, lesson, "When a String is assigned, how does it move?");
  await student("PUT", `/api/tutor/messages/${reply}/feedback`, { rating: "up" });

  await page.reload();
  const row = insights.locator(`[data-testid="tutor-insight"][data-lesson="${lesson.id}"]`);
  await row.waitFor();
  assert.equal(await row.getByTestId("tutor-insight-lesson").innerText(), "Ownership insights");
  assert.equal(await row.getByTestId("tutor-insight-questions").innerText(), "2 questions");
  assert.equal(await row.getByTestId("tutor-insight-learners").innerText(), "2 learners");
  assert.equal(await row.getByTestId("tutor-insight-up").innerText(), "1");
  assert.equal(await row.getByTestId("tutor-insight-down").innerText(), "0");
  assert.equal(await row.getByTestId("tutor-insight-unhelpful").count(), 0, "one rating is too few to call out");
  const frequent = row.getByTestId("tutor-insight-frequent");
  assert.equal(await frequent.count(), 1);
  assert.match(
    await frequent.innerText(),
    /^“?(How does a String move when it is assigned\?|When a String is assigned, how does it move\?)”?\s*Asked by 2 learners$/,
  );
  assert.match(await insights.getByTestId("tutor-insights-privacy").innerText(), /two or more learners.*never who asked/);

  // The only lesson asked about has the full bar, and nothing scrolls sideways on the phone.
  const [bar, track] = await Promise.all([
    row.locator(".stat-bar__fill").boundingBox(),
    row.locator(".stat-bar__track").boundingBox(),
  ]);
  assert.ok(track.width > 0 && Math.abs(bar.width - track.width) <= 1, `a full bar, got ${bar.width} of ${track.width}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.equal(overflow, 0, "nothing scrolls sideways");
  await context.close();
});

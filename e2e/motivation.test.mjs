// Motivation journeys: a learner completes lessons and sees the header's XP counter, streak flame
// and goal ring move, online and offline (the figures come from the documents on the device);
// the dashboard on "My learning" shows the week's XP, the streak, the daily goal chooser and the
// badge shelf, in English and Russian; the course page's leaderboard: joining and leaving it, and
// that it says it needs a connection offline.
// Test data is made through the API as the demo accounts, as a client would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiCallers, signedInContext, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();
const apiAs = apiCallers(env);

/** A published course of `count` plain lessons (no quiz), the student enrolled; its id and lesson ids. */
async function courseWithLessons(title, count) {
  const teacher = await apiAs("teacher@demo.local");
  const course = await teacher("POST", "/api/courses", { title, language: "en", level: "beginner" });
  const module = await teacher("POST", `/api/courses/${course.id}/modules`, { title: "Only module" });
  const lessons = [];
  for (let i = 1; i <= count; i += 1) {
    const lesson = await teacher("POST", `/api/courses/${course.id}/modules/${module.id}/lessons`, { title: `Lesson ${i}` });
    await teacher("PATCH", `/api/courses/${course.id}/lessons/${lesson.id}/draft`, { body: `# Lesson ${i}\n\nText.`, estimated_minutes: 5 });
    lessons.push(lesson.id);
  }
  await teacher("PUT", `/api/courses/${course.id}/status`, { status: "published" });
  const student = await apiAs("student@demo.local");
  await student("POST", `/api/courses/${course.id}/enrollment`);
  return { id: course.id, lessons };
}

/** Waits until the header's meter shows `xp` XP and a streak of `days` days in state `state`. */
async function meterShows(page, xp, days, state) {
  await page.locator(`[data-testid="header-xp"][data-xp="${xp}"]`).waitFor();
  await page.locator(`[data-testid="header-streak"][data-days="${days}"][data-state="${state}"]`).waitFor();
}

/** Opens a lesson and marks it complete. */
async function completeLesson(page, course, lesson) {
  await page.goto(`${env.server.url}/courses/${course}/lessons/${lesson}`);
  await completeOpenLesson(page);
}

async function completeOpenLesson(page) {
  await page.getByTestId("mark-complete").waitFor();
  await page.getByTestId("mark-complete").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="mark-complete"]')?.disabled === true);
}

test("completing lessons moves the XP counter, the streak and the goal ring, offline too; the dashboard shows the week, the goal and the badges", async () => {
  const course = await courseWithLessons("Motivation journey", 3);
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US", timezoneId: "Europe/Moscow" });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));

  // A new learner: nothing earned yet, every badge locked, an empty week.
  await page.goto(`${env.server.url}/learning`);
  await page.getByTestId("motivation-new").waitFor();
  await meterShows(page, 0, 0, "none");
  assert.equal(await page.getByTestId("header-goal-ring").getAttribute("data-share"), "0.00");
  assert.equal(await page.locator('[data-testid="badge"]').count(), 7, "the whole shelf");
  assert.equal(await page.locator('[data-testid="badge"][data-earned="true"]').count(), 0);
  assert.match(await page.locator('[data-testid="badge"][data-badge="first_lesson"]').innerText(), /Complete any lesson/);
  assert.match(await page.getByTestId("xp-week-chart").innerText(), /No XP this week yet/);
  assert.equal(await page.getByTestId("badge-count").innerText(), "0 of 7 earned");
  const meterLabel = await page.getByTestId("motivation-meter").getAttribute("title");
  assert.match(meterLabel, /0 XP earned in all\. No streak yet/);

  // The daily goal: 20 XP unless chosen; 10 is picked with the keyboard.
  await page.locator('[data-testid="goal-chooser"][data-goal="20"]').waitFor();
  await page.getByTestId("goal-10").focus();
  await page.keyboard.press("Space");
  await page.locator('[data-testid="goal-chooser"][data-goal="10"]').waitFor();
  await page.getByTestId("goal-status").filter({ hasText: "Daily goal saved." }).waitFor();

  // One lesson reaches the 10 XP goal: 10 XP and the goal's 5, a one-day streak, a full ring.
  await completeLesson(page, course.id, course.lessons[0]);
  await meterShows(page, 15, 1, "kept");
  assert.equal(await page.getByTestId("header-goal-ring").getAttribute("data-share"), "1.00");
  assert.match(await page.getByTestId("motivation-meter").getAttribute("title"), /15 XP earned in all\. 1-day streak/);

  // Offline: the second lesson (already open) still counts, from the device's documents.
  await page.goto(`${env.server.url}/courses/${course.id}/lessons/${course.lessons[1]}`);
  await page.getByTestId("mark-complete").waitFor();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  await context.setOffline(true);
  await completeOpenLesson(page);
  await meterShows(page, 25, 1, "kept");
  await page.reload();
  await meterShows(page, 25, 1, "kept");

  // The dashboard, offline too: the week's bar for today, the streak figures, the first badge.
  await page.getByTestId("nav-learning").click();
  await page.getByTestId("badge-shelf").waitFor();
  const today = await page.evaluate(() => (new Date().getDay() + 6) % 7);
  const week = (await page.getByTestId("motivation-week").getAttribute("data-week")).split(",").map(Number);
  assert.equal(week[today], 25, `today's XP in ${week}`);
  assert.equal(week.reduce((a, b) => a + b, 0), 25);
  assert.equal(await page.locator('[data-testid="xp-week-chart"] rect.bar-chart__bar').count(), today + 1, "bars up to today");
  assert.equal(await page.locator('[data-testid="stat-streak"] dd').getAttribute("data-value"), "1");
  assert.equal(await page.locator('[data-testid="stat-longest"] dd').getAttribute("data-value"), "1");
  assert.equal(await page.locator('[data-testid="stat-freezes"] dd').getAttribute("data-value"), "0");
  const first = page.locator('[data-testid="badge"][data-badge="first_lesson"]');
  assert.equal(await first.getAttribute("data-earned"), "true");
  assert.match(await first.innerText(), /Earned /);
  assert.equal(await page.locator('[data-testid="badge"][data-badge="first_course"]').getAttribute("data-earned"), "false");
  assert.equal(await page.locator('[data-testid="motivation-new"]').count(), 0, "no longer a new learner");
  await context.setOffline(false);

  // The last lesson completes the course: its badge joins the shelf.
  await completeLesson(page, course.id, course.lessons[2]);
  await meterShows(page, 35, 1, "kept");
  await page.getByTestId("nav-learning").click();
  await page.locator('[data-testid="badge"][data-badge="first_course"][data-earned="true"]').waitFor();
  assert.equal(await page.getByTestId("badge-count").innerText(), "2 of 7 earned");

  // The same dashboard in Russian.
  await page.getByTestId("locale-switch").selectOption("ru");
  await page.waitForFunction(() => document.documentElement.lang === "ru");
  assert.equal(await page.locator("#motivation-title").innerText(), "Ваш прогресс");
  assert.match(await page.getByTestId("xp-week-chart").innerText(), /XP за эту неделю/);
  assert.equal(await page.getByTestId("badge-count").innerText(), "Получено 2 из 7");
  assert.match(await page.locator('[data-testid="badge"][data-badge="streak_7"]').innerText(), /Держите серию 7 дней/);
  assert.match(await page.locator('[data-testid="badge"][data-badge="first_lesson"]').innerText(), /Получен /);
  assert.match(await page.locator('[data-testid="stat-streak"]').innerText(), /1 день/);
  assert.match(await page.getByTestId("goal-chooser").innerText(), /10 XP в день/);
  assert.match(await page.getByTestId("motivation-meter").getAttribute("title"), /Всего заработано 35 XP\. Серия: 1 день/);

  // A heavier goal from today: the ring shows 30 of 50.
  await page.getByTestId("goal-50").check();
  await page.locator('[data-testid="goal-chooser"][data-goal="50"]').waitFor();
  await page.getByTestId("goal-status").filter({ hasText: "Дневная цель сохранена." }).waitFor();
  assert.equal(await page.getByTestId("header-goal-ring").getAttribute("data-share"), "0.60");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the course page's leaderboard is for enrolled learners and says it needs a connection offline", async () => {
  const course = await courseWithLessons("Leaderboard course", 1);
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" });
  await page.goto(`${env.server.url}/courses/${course.id}`);
  await page.getByTestId("leaderboard").waitFor();
  await context.setOffline(true);
  await page.getByTestId("leaderboard-offline").filter({ hasText: "needs a connection" }).waitFor();
  await context.setOffline(false);
  await page.getByTestId("leaderboard-offline").waitFor({ state: "detached" });

  // A course the student is not enrolled in has no leaderboard for them.
  await page.goto(`${env.server.url}/courses/linear-algebra-for-programmers`);
  await page.getByTestId("enroll").waitFor();
  assert.equal(await page.getByTestId("leaderboard").count(), 0);
  await context.close();
});

/** Reloads the course page until the leaderboard's row of the caller shows `xp` (the server's XP
 * refresh runs at the end of a 10-second window after the device syncs; until then a member's
 * own row shows 0), then returns that row. */
async function ownLeaderboardRow(page, course, xp) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    await page.goto(`${env.server.url}/courses/${course}`);
    await page.getByTestId("leaderboard-join").waitFor();
    const mine = page.locator('[data-testid="leaderboard-row"][data-me="true"]');
    if ((await mine.count()) > 0 && (await mine.first().innerText()).endsWith(`\t${xp}`)) return mine;
    if (Date.now() > deadline) throw new Error("the learner's row never reached the leaderboard");
    await page.waitForTimeout(2_000);
  }
}

test("a learner joins a course's leaderboard, sees their row and XP in English and Russian, and leaving takes them off at once", async () => {
  const course = await courseWithLessons("Leaderboard online", 1);
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await completeLesson(page, course.id, course.lessons[0]);

  // Off by default: the switch explains who sees what, and the board does not show the learner.
  await page.goto(`${env.server.url}/courses/${course.id}`);
  const join = page.getByTestId("leaderboard-join");
  await join.waitFor();
  assert.equal(await join.isChecked(), false, "off by default");
  assert.match(await page.locator("#leaderboard-privacy").innerText(), /never your email/);
  assert.equal(await page.locator('[data-testid="leaderboard-row"][data-me="true"]').count(), 0);

  // Turned on with the keyboard.
  await join.focus();
  await page.keyboard.press("Space");
  await page.getByTestId("leaderboard-status").filter({ hasText: "You are on this course's leaderboard." }).waitFor();
  const mine = await ownLeaderboardRow(page, course.id, 10);
  assert.equal(await page.getByTestId("leaderboard-join").isChecked(), true);
  assert.match(await mine.innerText(), /^1\s+Demo Student \(you\)\s+10$/);
  assert.equal(await mine.getAttribute("aria-current"), "true");
  assert.match(await page.getByTestId("leaderboard-table").locator("caption").innerText(), /^Week of /);

  // The same board in Russian.
  const ru = await signedInContext(env, "student@demo.local", { locale: "ru-RU" });
  await ru.page.goto(`${env.server.url}/courses/${course.id}`);
  await ru.page.getByTestId("locale-switch").selectOption("ru");
  await ru.page.locator("#leaderboard-title").filter({ hasText: "Рейтинг недели" }).waitFor();
  const mineRu = ru.page.locator('[data-testid="leaderboard-row"][data-me="true"]');
  await mineRu.waitFor();
  assert.match(await mineRu.innerText(), /\(вы\)/);
  await ru.context.close();

  // Leaving takes the learner off at once: the board is empty again.
  const left = page.waitForResponse((r) => r.url().endsWith("/leaderboard/membership") && r.request().method() === "PUT", { timeout: 60_000 });
  await page.getByTestId("leaderboard-join").click();
  assert.equal((await left).status(), 200);
  await page.getByTestId("leaderboard-status").filter({ hasText: "You are no longer on this course's leaderboard." }).waitFor();
  await page.getByTestId("leaderboard-empty").waitFor();
  await page.reload();
  await page.getByTestId("leaderboard-empty").waitFor();
  assert.equal(await page.getByTestId("leaderboard-join").isChecked(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the unsubscribe page names the mail its link turns off, asks first, and says when a link does not work", async () => {
  const user = "01933c5e-7f2a-7b3c-9d4e-5f6a7b8c9d0e";
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const titles = [
    [`${user}.c2lnbmF0dXJl`, "Stop card reminders?"],
    [`${user}.streak.c2lnbmF0dXJl`, "Stop streak reminders?"],
    [`${user}.digest.c2lnbmF0dXJl`, "Stop the discussion digest?"],
  ];
  for (const [token, title] of titles) {
    await page.goto(`${env.server.url}/unsubscribe?token=${token}`);
    await page.locator("h1").filter({ hasText: title }).waitFor();
    await page.waitForFunction((expected) => document.title === expected, `${title} · EduPlatform`);
  }
  // A signature this server did not make: nothing changes, and the page says so.
  await page.getByTestId("unsubscribe-confirm").click();
  await page.getByTestId("unsubscribe-failed").waitFor();
  await context.close();

  const ru = await env.browser.newContext({ locale: "ru-RU" });
  const pageRu = await ru.newPage();
  await pageRu.goto(`${env.server.url}/unsubscribe?token=${user}.digest.c2lnbmF0dXJl`);
  await pageRu.locator("h1").filter({ hasText: "Отключить сводку обсуждений?" }).waitFor();
  await ru.close();
});

test("the account page chooses card reminders, streak warnings and the digest, each at the learner's hour, kept after a reload", async () => {
  const student = await apiAs("student@demo.local");
  const defaults = { card_reminders: true, reminder_hour: 18, streak_reminders: true, streak_reminder_hour: 19, discussion_digest: true };
  await student("PATCH", "/api/me", defaults);
  const { context, page } = await signedInContext(env, "student@demo.local", { locale: "en-US" });
  await page.goto(`${env.server.url}/account`);
  const section = page.locator("#reminders");
  const cards = section.getByTestId("reminders-enabled");
  await cards.waitFor();
  assert.match(await section.innerText(), /on evenings when your streak would break/);
  const cardHour = section.locator('select[name="reminder_hour"]');
  const streakHour = section.locator('select[name="streak_reminder_hour"]');
  assert.equal(await cards.isChecked(), true);
  assert.equal(await section.getByTestId("streak-reminders-enabled").isChecked(), true);
  assert.equal(await cardHour.inputValue(), "18");
  assert.equal(await streakHour.inputValue(), "19");

  // Cards off, the streak warning at 21:00, no digest: only what changed is sent.
  const sent = page.waitForRequest((r) => r.url().endsWith("/api/me") && r.method() === "PATCH");
  await cards.uncheck();
  await streakHour.selectOption("21");
  await section.getByTestId("digest-enabled").uncheck();
  await section.getByTestId("reminders-save").click();
  assert.deepEqual(JSON.parse((await sent).postData()), { card_reminders: false, streak_reminder_hour: 21, discussion_digest: false });
  await section.getByTestId("saved").waitFor();
  const me = await student("GET", "/api/me");
  assert.deepEqual(
    [me.card_reminders, me.reminder_hour, me.streak_reminders, me.streak_reminder_hour, me.discussion_digest],
    [false, 18, true, 21, false],
  );

  // After a reload the page shows what was saved; in Russian too.
  await page.reload();
  await page.getByTestId("locale-switch").selectOption("ru");
  await section.getByText("Предупреждать вечером, если серия вот-вот прервётся").waitFor();
  assert.equal(await section.getByTestId("reminders-enabled").isChecked(), false);
  assert.equal(await section.getByTestId("streak-reminders-enabled").isChecked(), true);
  assert.equal(await streakHour.inputValue(), "21");
  assert.equal(await section.getByTestId("digest-enabled").isChecked(), false);
  await context.close();
  await student("PATCH", "/api/me", defaults);
});

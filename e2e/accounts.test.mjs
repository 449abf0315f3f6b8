// Account journeys: signing up through the emailed link, signing in and out, and a student's
// application to teach approved by an admin, seen by the student on the page and in the bell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_PASSWORD, useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser();

/** Signs in on the sign-in page the page is showing. */
async function signIn(page, email, password) {
  await page.locator("form#sign-in [name=email]").fill(email);
  await page.locator("form#sign-in [name=password]").fill(password);
  await page.locator("form#sign-in [name=password]").press("Enter");
  await page.getByTestId("user-menu").waitFor();
}

test("sign up, confirm the email from the mailbox, sign in, see the account, sign out", async () => {
  const context = await env.browser.newContext({ locale: "en-US", timezoneId: "Europe/Moscow" });
  const page = await context.newPage();
  const email = `ada.${Date.now()}@example.com`;
  const password = "analytical-engine-1843";

  await page.goto(env.server.url);
  await page.getByTestId("nav-sign-up").click();
  const form = page.locator("form#sign-up");
  await form.waitFor();
  assert.equal(await form.locator("[name=time_zone]").inputValue(), "Europe/Moscow", "time zone preselected");
  assert.equal(await form.locator("[name=locale]").inputValue(), "en", "language preselected");

  // Checked before sending, in place.
  await form.locator("[name=display_name]").fill("Ada Lovelace");
  await form.locator("[name=email]").fill("not-an-address");
  await form.locator("[name=password]").fill("password");
  await form.locator("[name=password]").press("Enter");
  await page.getByTestId("field-error-email").waitFor();
  await page.getByTestId("field-error-password").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "email");

  await form.locator("[name=email]").fill(email);
  await form.locator("[name=password]").fill(password);
  await form.locator("[name=password]").press("Enter");
  await page.getByTestId("signup-done").waitFor();
  assert.match(await page.getByTestId("signup-done").innerText(), new RegExp(email.replace(/\./g, "\\.")));

  const mail = await env.server.mail(email);
  const link = mail.text.match(/https?:\/\/\S*\/verify-email\?token=[\w-]+/)?.[0];
  assert.ok(link, `a verification link in:\n${mail.text}`);
  // Started on port 0, the server puts the port it really bound into mailed links.
  assert.ok(link.startsWith(`${env.server.url}/verify-email?`), `${link} points at ${env.server.url}`);
  await page.goto(link);
  await page.getByTestId("verify-ok").waitFor();

  await page.getByTestId("verify-ok").getByRole("link").click();
  await page.locator("form#sign-in").waitFor();
  assert.equal(await page.locator("form#sign-in [name=email]").inputValue(), email, "address carried over");
  await page.locator("form#sign-in [name=password]").fill(password);
  await page.locator("form#sign-in [name=password]").press("Enter");
  await page.getByTestId("user-menu").waitFor();

  await page.getByTestId("user-menu").click();
  await page.getByTestId("nav-account").click();
  await page.getByTestId("account").waitFor();
  assert.equal(await page.getByTestId("account-email").innerText(), email);
  assert.equal(await page.getByTestId("account-name").innerText(), "Ada Lovelace");
  await page.getByTestId("session-item").first().waitFor();
  assert.equal(await page.getByTestId("this-device").count(), 1, "this device is marked");

  await page.getByTestId("user-menu").click();
  await page.getByTestId("nav-sign-out").click();
  await page.getByTestId("nav-sign-in").waitFor();
  const me = await page.request.get(`${env.server.url}/api/me`, { failOnStatusCode: false });
  assert.equal(me.status(), 401, "the session is gone on the server");

  // The account page now asks to sign in and comes back afterwards.
  await page.goto(`${env.server.url}/account`);
  await page.locator("form#sign-in").waitFor();
  assert.match(page.url(), /\/sign-in\?next=%2Faccount$/);
  await context.close();
});

test("a student applies to teach, the admin approves, the student sees it and is notified", async () => {
  const studentContext = await env.browser.newContext({ locale: "en-US" });
  const student = await studentContext.newPage();
  await student.goto(`${env.server.url}/teach`);
  await signIn(student, "student@demo.local", DEMO_PASSWORD);
  await student.waitForURL(/\/teach$/);
  const form = student.locator("form#teach-form");
  await form.waitFor();
  await form.locator("[name=subject]").fill("Astronomy for beginners");
  await form.locator("[name=link]").fill("https://example.com/portfolio");
  await form.locator("[name=bio]").fill("I have run a school astronomy club for ten years.");
  await form.locator("button[type=submit]").click();
  const status = student.getByTestId("application-status");
  await status.waitFor();
  assert.equal(await status.getAttribute("data-status"), "pending");
  assert.equal(await student.getByTestId("notifications-count").count(), 0, "nothing unread yet");

  // A student cannot open the admin queue.
  await student.goto(`${env.server.url}/admin/applications`);
  await student.getByTestId("forbidden").waitFor();

  const adminContext = await env.browser.newContext({ locale: "en-US" });
  const admin = await adminContext.newPage();
  await admin.goto(`${env.server.url}/admin/applications`);
  await signIn(admin, "admin@demo.local", DEMO_PASSWORD);
  const item = admin.getByTestId("application-item").filter({ hasText: "student@demo.local" });
  await item.waitFor();
  assert.match(await item.innerText(), /Astronomy for beginners/);
  await item.getByTestId("approve").click();
  await item.waitFor({ state: "detached" });
  await admin.getByTestId("tab-approved").click();
  await admin.getByTestId("application-item").filter({ hasText: "student@demo.local" }).waitFor();
  await adminContext.close();

  await student.goto(`${env.server.url}/teach`);
  await student.locator('[data-testid=application-status][data-status="approved"]').waitFor();
  await student.getByTestId("teach-dashboard").waitFor();
  const count = student.getByTestId("notifications-count");
  await count.waitFor();
  assert.equal(await count.innerText(), "1");
  await student.getByTestId("notifications-bell").click();
  const notification = student.getByTestId("notification-item").first();
  assert.match(await notification.innerText(), /approved/i);
  assert.equal(await notification.getAttribute("data-read"), "false");
  await notification.click();
  await count.waitFor({ state: "detached" });
  await studentContext.close();
});

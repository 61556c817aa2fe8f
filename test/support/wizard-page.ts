// Steps of the New-VM wizard in the browser that several e2e files take the same way.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Opens the wizard from the VM list at its first step (a wizard an earlier, failed test left at a later step is cancelled first). */
export async function openWizard(page: Page): Promise<void> {
  await page.evaluate(() => (location.hash = '#/vms'));
  await page.getByTestId('new-vm').click();
  const wizard = page.getByTestId('wizard');
  await wizard.waitFor();
  if ((await wizard.getAttribute('data-step')) !== 'source') {
    await page.getByTestId('wizard-cancel').click();
    await page.getByTestId('new-vm').click();
  }
  await page.getByTestId('wizard-step-source').waitFor();
}

/** Next, once the step allows it; waits for `step`. */
export async function nextStep(page: Page, step: string): Promise<void> {
  await expect.poll(() => page.getByTestId('wizard-next').isEnabled(), { timeout: 30_000 }).toBe(true);
  await page.getByTestId('wizard-next').click();
  await page.getByTestId(`wizard-step-${step}`).waitFor({ timeout: 30_000 });
}

export async function cancelWizard(page: Page): Promise<void> {
  await page.getByTestId('wizard-cancel').click();
  await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]');
}

/** 256 MiB and one vCPU: enough for the tiny guest, cheap under TCG. */
export async function smallResources(page: Page): Promise<void> {
  await page.getByTestId('wizard-memory-unit').selectOption('MiB');
  await page.fill('#wizard-memory', '256');
  await page.fill('#wizard-vcpus', '1');
}

/** Types the name on the summary and waits for the XML preview of it. */
export async function nameAndPreview(page: Page, name: string): Promise<void> {
  await page.fill('#wizard-name', name);
  await expect.poll(() => page.getByTestId('wizard-xml').textContent().catch(() => ''), { timeout: 30_000 }).toContain(`<name>${name}</name>`);
}

/** Waits until the app shows the new VM's details; returns its UUID. */
export async function createdVm(page: Page, name: string, timeoutMs = 180_000): Promise<string> {
  const title = page.locator('[data-testid="vm-details"] [data-testid="vm-title"]');
  await expect.poll(() => title.textContent().catch(() => null), { timeout: timeoutMs }).toBe(name);
  const uuid = await page.getByTestId('vm-details').getAttribute('data-vm-uuid');
  expect(uuid).toBeTruthy();
  return uuid as string;
}

// The shell's layout rules (pure): when the sidebar shows.

/** At this window width and under, the sidebar folds away by itself (it opens over the page). */
export const NARROW_SIDEBAR_PX = 1100;

/** The sidebar shows when the user said so with the toggle, else when the window is wide. */
export function sidebarIsOpen(narrow: boolean, choice: boolean | null): boolean {
  return choice ?? !narrow;
}

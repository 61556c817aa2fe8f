// Keyboard and pointer rules every drop-down menu shares (the VM "More" menu, the console's
// send-keys menu): arrows move through the items and wrap, Home/End jump, a press outside the
// menu and its button closes it.

/** The item a key moves focus to, or null when the key is not a menu movement key. */
export function menuItemForKey<T extends Element>(items: readonly T[], active: Element | null, key: string): T | null {
  if (!items.length) return null;
  const i = items.indexOf(active as T);
  switch (key) {
    case 'ArrowDown':
      return items[(i + 1) % items.length];
    case 'ArrowUp':
      return items[(i - 1 + items.length) % items.length];
    case 'Home':
      return items[0];
    case 'End':
      return items[items.length - 1];
    default:
      return null;
  }
}

/** The pointer went down outside the menu and the button that opens it. */
export function pointerOutside(e: Event, ...inside: (Element | undefined)[]): boolean {
  const target = e.target as Node | null;
  return !target || !inside.some((el) => el?.contains(target));
}

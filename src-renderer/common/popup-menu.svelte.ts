// A menu button's drop-down (the VM "More" menu, the console's send-keys menu): opening focuses
// the first enabled item, Escape closes and focuses the button again, the menu-nav keys move
// through the items, a press outside the menu and its button closes it. Bind `button` and `el`
// with bind:this; hand `onKey` to the menu's onkeydown and `onWindowPointer` to the window's.
import { tick } from 'svelte';
import { menuItemForKey, pointerOutside } from './menu-nav';

const ITEMS = '[role="menuitem"]:not(:disabled)';

export class PopupMenu {
  open = $state(false);
  button = $state<HTMLButtonElement>();
  el = $state<HTMLDivElement>();

  /**
   * `keysStayInMenu`: Tab closes the menu too, and no key the menu handles reaches what is
   * behind it (the console, which would send it to the guest).
   */
  constructor(private readonly o: { keysStayInMenu?: boolean } = {}) {}

  async show(): Promise<void> {
    this.open = true;
    await tick();
    this.el?.querySelector<HTMLElement>(ITEMS)?.focus();
  }

  close(refocus = true): void {
    this.open = false;
    if (refocus) this.button?.focus();
  }

  toggle(): void {
    if (this.open) this.close();
    else void this.show();
  }

  onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' || (this.o.keysStayInMenu && e.key === 'Tab')) {
      e.preventDefault();
      e.stopPropagation();
      this.close();
      return;
    }
    const items = [...(this.el?.querySelectorAll<HTMLElement>(ITEMS) ?? [])];
    const next = menuItemForKey(items, document.activeElement, e.key);
    if (!next) return;
    e.preventDefault();
    if (this.o.keysStayInMenu) e.stopPropagation();
    next.focus();
  };

  onWindowPointer = (e: PointerEvent): void => {
    if (this.open && pointerOutside(e, this.el, this.button)) this.close(false);
  };
}

// Drop-down menus: arrows wrap, Home/End jump, other keys move nothing; a press outside closes.
import { describe, expect, it } from 'vitest';
import { menuItemForKey, pointerOutside } from '../../../src-renderer/common/menu-nav';

/** An element that contains exactly the given nodes. */
const el = (kids: object[] = []) => ({ contains: (n: unknown) => kids.includes(n as object) }) as unknown as Element;

describe('menu navigation', () => {
  const items = ['a', 'b', 'c'].map((n) => ({ n })) as unknown as Element[];
  it('moves, wraps and jumps', () => {
    expect(menuItemForKey(items, items[0], 'ArrowDown')).toBe(items[1]);
    expect(menuItemForKey(items, items[2], 'ArrowDown')).toBe(items[0]);
    expect(menuItemForKey(items, items[0], 'ArrowUp')).toBe(items[2]);
    expect(menuItemForKey(items, null, 'ArrowDown')).toBe(items[0]);
    expect(menuItemForKey(items, items[1], 'Home')).toBe(items[0]);
    expect(menuItemForKey(items, items[1], 'End')).toBe(items[2]);
    expect(menuItemForKey(items, items[1], 'x')).toBeNull();
    expect(menuItemForKey([], null, 'ArrowDown')).toBeNull();
  });
  it('a press outside the menu and its button closes it', () => {
    const inner = {};
    const menu = el([inner]);
    const button = el();
    expect(pointerOutside({ target: inner } as unknown as Event, menu, button)).toBe(false);
    expect(pointerOutside({ target: {} } as unknown as Event, menu, button)).toBe(true);
    expect(pointerOutside({ target: null } as unknown as Event, menu, undefined)).toBe(true);
  });
});

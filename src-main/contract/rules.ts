// Rules the core and every front must apply the same way (so none of them keeps a copy).

/** A guest host name made from a VM name: letters, digits and '-', at most 63 characters. */
export function hostnameFromName(name: string): string {
  const h = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return h || 'vm';
}

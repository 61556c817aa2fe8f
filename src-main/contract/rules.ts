// Rules the core and every front must apply the same way (so none of them keeps a copy).

/**
 * A guest host name made from a VM name ("Web Server 1" → "web-server-1"): one RFC 1123 label,
 * lower case, accents dropped, at most 63 characters; "vm" when nothing is left.
 */
export function hostnameFromName(name: string): string {
  const h = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return h || 'vm';
}

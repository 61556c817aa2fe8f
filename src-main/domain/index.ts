// Virtdesk's UI-free, lossless model of libvirt domain XML; see docs/domain-model.md.
export * from './xml';
export * from './units';
export * from './view';
export * from './devices';
export * from './domain';
export * from './metadata';
export * from './hotplug';
export * from './capabilities';
export * from './device-specs';
export * from './cpu-boot';

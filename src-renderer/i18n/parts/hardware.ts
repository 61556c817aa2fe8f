// UI strings of one feature, English and Japanese side by side (spread into en.ts and ja.ts).
// The ja object must have exactly the keys of the en object (its type says so).
export const hardwareEn = {
} as const;

export const hardwareJa: Record<keyof typeof hardwareEn, string> = {
};

// UI strings of one feature, English and Japanese side by side (spread into en.ts and ja.ts).
// The ja object must have exactly the keys of the en object (its type says so).
export const walkthroughEn = {
} as const;

export const walkthroughJa: Record<keyof typeof walkthroughEn, string> = {
};

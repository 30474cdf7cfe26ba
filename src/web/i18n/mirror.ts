/** The same keys as the Chinese tree, every value a string: a missing or extra English key is a type error. */
export type Mirror<T> = { [K in keyof T]: T[K] extends string ? string : Mirror<T[K]> };

/**
 * A domain's texts in both languages, kept beside its screens (`src/web/<domain>/i18n.ts`) and mounted under one
 * top-level key by `resources.ts`. Chinese is the source of the key structure; English must mirror it.
 */
export function defineTexts<T extends object>(zh: T, en: Mirror<T>): { zh: T; en: Mirror<T> } {
  return { zh, en };
}

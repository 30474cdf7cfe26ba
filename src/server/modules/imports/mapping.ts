import { IMPORT_FIELDS, type TImportField, type TImportKind, type TImportMapping } from '../../../contracts/imports.js';

/**
 * Header matching for the mapping step. DMS exports name the same column many ways (`手机号`, `手机号码`, `联系电话`,
 * `Mobile Phone`, `成交价(元)`), so headers and synonyms are compared after folding width, case, spacing,
 * punctuation and a bracketed unit away.
 */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>/g, '')
    .replace(/[\s_\-*:#./\\'"`]+/g, '');
}

export function fieldsOf(kind: TImportKind): TImportField[] {
  return IMPORT_FIELDS[kind].map((d) => ({ field: d.field, label: `${d.zh} ${d.en}`, required: d.required, hint: d.hint ?? null }));
}

const hasCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

/** Whether a synonym is distinctive enough to match inside a longer header (`客户手机号` contains `手机号`). */
const containable = (syn: string) => (hasCjk(syn) ? syn.length >= 2 : syn.length >= 3);

/**
 * The mapping a file most likely wants: a saved mapping of this kind whose columns all exist in the file (most
 * recently saved first), else one built from the header synonyms — exact matches first, then headers that contain
 * a synonym (the longest synonym wins). One header feeds at most one field.
 */
export function suggestMapping(
  kind: TImportKind,
  headers: readonly string[],
  saved: readonly { name: string; mapping: TImportMapping }[] = [],
): { mapping: TImportMapping; savedMappingName: string | null } {
  const known = new Set(IMPORT_FIELDS[kind].map((d) => d.field));
  const present = new Set(headers);
  for (const s of saved) {
    const entries = Object.entries(s.mapping).filter(([field]) => known.has(field));
    if (entries.length > 0 && entries.every(([, header]) => present.has(header))) {
      return { mapping: Object.fromEntries(entries), savedMappingName: s.name };
    }
  }

  const norm = headers.map(normaliseHeader);
  const mapping: TImportMapping = {};
  const used = new Set<number>();
  for (const def of IMPORT_FIELDS[kind]) {
    // Synonyms are in order of preference (the field's own name first): `车主手机号` beats `手机号` for the owner.
    for (const syn of def.synonyms.map(normaliseHeader)) {
      const i = norm.findIndex((h, idx) => !used.has(idx) && h === syn);
      if (i >= 0) {
        mapping[def.field] = headers[i]!;
        used.add(i);
        break;
      }
    }
  }

  const candidates: { field: string; header: number; score: number }[] = [];
  for (const def of IMPORT_FIELDS[kind]) {
    if (mapping[def.field]) continue;
    const synonyms = def.synonyms.map(normaliseHeader).filter(containable);
    norm.forEach((h, idx) => {
      if (used.has(idx)) return;
      const score = Math.max(0, ...synonyms.filter((s) => h.includes(s)).map((s) => s.length));
      if (score > 0) candidates.push({ field: def.field, header: idx, score });
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  for (const c of candidates) {
    if (mapping[c.field] || used.has(c.header)) continue;
    mapping[c.field] = headers[c.header]!;
    used.add(c.header);
  }
  return { mapping, savedMappingName: null };
}

/** Everything wrong with a mapping for this file, as `{path, message}` entries for a 400. */
export function mappingErrors(kind: TImportKind, mapping: TImportMapping, headers: readonly string[]): { path: string; message: string }[] {
  const defs = IMPORT_FIELDS[kind];
  const present = new Set(headers);
  const errors: { path: string; message: string }[] = [];
  for (const [field, header] of Object.entries(mapping)) {
    if (!defs.some((d) => d.field === field)) errors.push({ path: `mapping.${field}`, message: `未知字段 ${field} / Unknown field ${field}` });
    else if (!present.has(header)) errors.push({ path: `mapping.${field}`, message: `文件中没有「${header}」列 / The file has no column "${header}"` });
  }
  for (const d of defs) {
    if (d.required && !mapping[d.field]) {
      errors.push({ path: `mapping.${d.field}`, message: `请为「${d.zh}」选择一列 / Choose the column for ${d.en}` });
    }
  }
  if (kind === 'repair_orders' && !mapping.vin && !mapping.plate) {
    errors.push({ path: 'mapping.vin', message: '车架号和车牌号至少选择一列 / Choose a column for the VIN or the plate' });
  }
  return errors;
}

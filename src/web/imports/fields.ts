import { IMPORT_FIELDS } from '../../contracts/imports';
import type { ImportField, ImportKind, ImportUpload } from '../api/types';
import { localize, type TLang } from '../i18n';

/** The kind's target fields: the server's list when the upload answer has one, else the shared contract's. */
export function targetFields(kind: ImportKind, upload: ImportUpload | null): ImportField[] {
  if (upload?.fields?.length) return upload.fields;
  return IMPORT_FIELDS[kind].map((f) => ({ field: f.field, label: `${f.zh} / ${f.en}`, required: f.required, hint: f.hint ?? null }));
}

/** A field's label in the UI language: the contract's own zh/en names, or the server label localised. */
export function fieldLabel(kind: ImportKind, f: ImportField, lang: TLang): string {
  const def = IMPORT_FIELDS[kind].find((d) => d.field === f.field);
  if (def) return lang === 'en-US' ? def.en : def.zh;
  return localize(f.label, lang);
}

/** The value in sample row `row` under `header` (sample rows are aligned with the headers). */
export function sampleValue(upload: ImportUpload | null, header: string | undefined, row = 0): string {
  if (!upload || !header) return '';
  const r = upload.sampleRows[row];
  const i = upload.headers.indexOf(header);
  return r && i >= 0 ? (r[i] ?? '') : '';
}

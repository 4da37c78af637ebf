import type { AuditFilter } from '../../../api/audit';

/** The filter as typed: dates (YYYY-MM-DD, the reader's days) and texts. */
export interface FilterForm {
  from: string;
  to: string;
  actor: string;
  action: string;
  resource: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
export const dayOf = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The last 7 days, today included. */
export const defaultFilterForm = (now = new Date()): FilterForm => {
  const from = new Date(now);
  from.setDate(from.getDate() - 7);
  return { from: dayOf(from), to: dayOf(now), actor: '', action: '', resource: '' };
};

/** The start of a local day, or undefined when `text` is not a date. */
const parseDay = (text: string): Date | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m === null) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d : undefined;
};

/** The API's filter for a form, or the form's errors by field. */
export const filterOf = (form: FilterForm, now = new Date()): { filter: AuditFilter } | { errors: Partial<Record<keyof FilterForm, string>> } => {
  const from = parseDay(form.from);
  const toDay = parseDay(form.to);
  const errors: Partial<Record<keyof FilterForm, string>> = {};
  if (from === undefined) errors.from = 'Enter a date as YYYY-MM-DD';
  if (toDay === undefined) errors.to = 'Enter a date as YYYY-MM-DD';
  if (from === undefined || toDay === undefined) return { errors };
  const endOfDay = new Date(toDay);
  endOfDay.setDate(endOfDay.getDate() + 1);
  // A range up to today ends now: left open, so the API's now (and a refresh) includes what just happened.
  const to = endOfDay.getTime() > now.getTime() ? undefined : endOfDay;
  if (from.getTime() >= (to ?? now).getTime()) return { errors: { from: 'Must be before the end of the range' } };
  const text = (s: string) => (s.trim() === '' ? undefined : s.trim());
  return {
    filter: { from: from.toISOString(), to: to?.toISOString(), actor: text(form.actor), action: text(form.action), resource: text(form.resource) },
  };
};

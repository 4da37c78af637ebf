const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
};

/** A timestamp from the API, shown in the reader's locale and time zone. */
export const DateTime = ({ iso }: { iso: string }) => <time dateTime={iso}>{formatDate(iso)}</time>;

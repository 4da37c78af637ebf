import { useCallback, useState } from 'react';
import { formErrorsOf } from '../api/errors';

export interface FormErrors<F extends string> {
  byField: Partial<Record<F, string>>;
  form: string | undefined;
}

/**
 * The state every API-backed form keeps: whether it was submitted (client checks show from then
 * on), whether a request is on its way, and the API's refusal split by field (`details[].path`)
 * with the rest as the form's message.
 */
export const useApiForm = <F extends string>(fields: readonly F[]) => {
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<F, string>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);

  /**
   * Submit: stops before any request when `invalid` (the client's checks failed), else runs
   * `action`; a rejection is shown (`mapError` may place it itself, or return undefined for the
   * default split). Resolves whether the action succeeded.
   */
  const run = useCallback(
    async (invalid: boolean, action: () => Promise<void>, mapError?: (e: unknown) => FormErrors<F> | undefined): Promise<boolean> => {
      setSubmitted(true);
      setFormError(undefined);
      setServerErrors({});
      if (invalid) return false;
      setPending(true);
      try {
        await action();
        setPending(false);
        return true;
      } catch (e) {
        setPending(false);
        const errors = mapError?.(e) ?? formErrorsOf(e, fields);
        setServerErrors(errors.byField);
        setFormError(errors.form);
        return false;
      }
    },
    [fields],
  );

  /** The person changed a field: the API's complaint about its old value no longer applies. */
  const clearField = useCallback((field: F) => {
    setServerErrors((e) => (e[field] === undefined ? e : { ...e, [field]: undefined }));
  }, []);

  const reset = useCallback(() => {
    setSubmitted(false);
    setServerErrors({});
    setFormError(undefined);
  }, []);

  return { submitted, pending, serverErrors, formError, setFormError, setServerErrors, run, clearField, reset };
};

/**
 * The project rules the API enforces (core/projects/schema.ts), checked before a request is sent.
 * Lengths count UTF-16 code units, as the API (zod) does.
 */
export const NAME_MAX = 64;
export const DESCRIPTION_MAX = 1024;

export interface ProjectFormValues {
  name: string;
  description: string;
}

export type ProjectField = keyof ProjectFormValues;
export const projectFields: readonly ProjectField[] = ['name', 'description'];

// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export const validateProject = (values: ProjectFormValues): Partial<Record<ProjectField, string>> => {
  const errors: Partial<Record<ProjectField, string>> = {};
  if (values.name === '') errors.name = 'Enter a name.';
  else if (values.name.length > NAME_MAX) errors.name = `The name must be at most ${NAME_MAX} characters.`;
  else if (values.name.trim() !== values.name) errors.name = 'The name must not start or end with a space.';
  else if (CONTROL.test(values.name)) errors.name = 'The name must not contain control characters.';
  if (values.description.length > DESCRIPTION_MAX) {
    errors.description = `The description must be at most ${DESCRIPTION_MAX} characters.`;
  }
  return errors;
};

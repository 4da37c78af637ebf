/** Shapes of the public API (v1) as the console uses them. */

export interface Me {
  sub: string;
  username: string;
  email?: string;
  groups: string[];
}

export interface Project {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface CreateProjectInput {
  name: string;
  description?: string;
}

export interface UpdateProjectInput {
  name?: string;
  description?: string;
  version: number;
}

export type IssueLocation = 'body' | 'query' | 'path' | 'header';

/** One entry of a VALIDATION_FAILED error's details. */
export interface ValidationIssue {
  location: IssueLocation;
  path: string;
  message: string;
}

/** The console's sections, in side-navigation order. */
export interface Section {
  id: string;
  title: string;
  href: string;
  /** What the section will be for, shown on its page until it is built. */
  purpose: string;
  built: boolean;
  /** Kept per project: the section is a sub-page of each project (`/projects/<id>/<id of the section>`). */
  perProject?: true;
}

export const sections: readonly Section[] = [
  { id: 'projects', title: 'Projects', href: '/projects', purpose: 'Group targets, jobs and people.', built: true },
  { id: 'targets', title: 'Targets', href: '/targets', purpose: 'The inventory of Linux (SSH) and Windows (WinRM) hosts.', built: true, perProject: true },
  { id: 'credentials', title: 'Credentials', href: '/credentials', purpose: 'Connection secrets, kept in the secret store.', built: true, perProject: true },
  // Built per project (/projects/<id>/jobs, /runs, /schedules, /triggers, /notifications, /audit, in the project's navigation group); the
  // project-less pages are not.
  { id: 'jobs', title: 'Jobs', href: '/jobs', purpose: 'Ordered steps with typed parameters.', built: false, perProject: true },
  { id: 'runs', title: 'Runs', href: '/runs', purpose: 'Job runs and their live output.', built: false, perProject: true },
  { id: 'schedules', title: 'Schedules', href: '/schedules', purpose: 'Runs on a cron or rate schedule.', built: false, perProject: true },
  { id: 'triggers', title: 'Triggers', href: '/triggers', purpose: 'Runs started by events.', built: false, perProject: true },
  { id: 'notifications', title: 'Notifications', href: '/notifications', purpose: 'Channels told about runs.', built: false, perProject: true },
  { id: 'audit', title: 'Audit', href: '/audit', purpose: 'Who did what, and when.', built: false, perProject: true },
];

/** The installation's administration, shown in the navigation to global admins only (the API refuses everyone else). */
export const adminSections: readonly Section[] = [
  { id: 'users', title: 'Users', href: '/users', purpose: 'The people who can sign in.', built: true },
  { id: 'settings', title: 'Settings', href: '/settings', purpose: 'Installation-wide settings.', built: true },
];

export const sectionFor = (pathname: string): Section | undefined =>
  [...sections, ...adminSections].find((s) => pathname === s.href || pathname.startsWith(`${s.href}/`));

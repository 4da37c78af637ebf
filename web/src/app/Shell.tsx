import AppLayout from '@cloudscape-design/components/app-layout';
import BreadcrumbGroup, { type BreadcrumbGroupProps } from '@cloudscape-design/components/breadcrumb-group';
import Flashbar from '@cloudscape-design/components/flashbar';
import SideNavigation, { type SideNavigationProps } from '@cloudscape-design/components/side-navigation';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { useEffect, useState } from 'react';
import { isGlobalAdmin, nameOf, projectAbilities } from './access';
import { CurrentProjectContext, forgetCurrentProject, useCurrentProjectState } from './current-project';
import { useFlash } from './flash';
import { followLink, navigate, usePathname } from './router';
import { PageLabelContext } from './page-label';
import { auditHref, jobHref, jobsHref, notificationsHref, parseRoute, projectHref, projectIdOf, runsHref, schedulesHref, tabLabels, triggersHref, targetHref, targetImportHref, type ProjectTab, type Route } from './routes';
import { adminSections, sections } from './sections';
import { useMe, useReloadMe, useServices } from './services';
import { AuditPage } from '../pages/audit/AuditPage';
import { SchedulesPage } from '../pages/schedules/SchedulesPage';
import { TriggersPage } from '../pages/triggers/TriggersPage';
import { NotificationsPage } from '../pages/notifications/NotificationsPage';
import { JobDetailPage } from '../pages/job-detail/JobDetailPage';
import { JobEditorPage } from '../pages/job-editor/JobEditorPage';
import { JobsPage } from '../pages/jobs/JobsPage';
import { NotBuiltPage } from '../pages/not-built/NotBuiltPage';
import { RunPage } from '../pages/run/RunPage';
import { RunsPage } from '../pages/runs/RunsPage';
import { NotFoundPage } from '../pages/not-found/NotFoundPage';
import { ProjectPage } from '../pages/project/ProjectPage';
import { ProjectSectionPage } from '../pages/project/ProjectSectionPage';
import { ProfilePage } from '../pages/profile/ProfilePage';
import { ProjectsPage } from '../pages/projects/ProjectsPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { TargetDetailPage } from '../pages/target-detail/TargetDetailPage';
import { ImportTargetsPage } from '../pages/target-import/ImportTargetsPage';
import { UsersPage } from '../pages/users/UsersPage';

const PRODUCT = 'OpsConductor';

const titleOf = (route: Route, projectName: string | undefined, pageLabel: string | undefined): string => {
  const name = projectName ?? 'Project';
  switch (route.page) {
    case 'home':
    case 'projects':
      return 'Projects';
    case 'project':
      return route.tab === 'overview' ? name : `${tabLabels[route.tab]} · ${name}`;
    case 'target':
      return `${pageLabel ?? 'Target'} · ${name}`;
    case 'targetImport':
      return `Import targets · ${name}`;
    case 'jobs':
      return `Jobs · ${name}`;
    case 'jobEditor':
      return `${route.jobId === undefined ? 'New job' : `Edit ${pageLabel ?? 'job'}`} · ${name}`;
    case 'job':
      return `${pageLabel ?? 'Job'} · ${name}`;
    case 'runs':
      return `Runs · ${name}`;
    case 'run':
      return `${pageLabel ?? 'Run'} · ${name}`;
    case 'schedules':
      return `Schedules · ${name}`;
    case 'triggers':
      return `Triggers · ${name}`;
    case 'notifications':
      return `Notifications · ${name}`;
    case 'audit':
      return `Audit · ${name}`;
    case 'projectSection':
      return route.section.title;
    case 'users':
      return 'Users';
    case 'settings':
      return 'Settings';
    case 'profile':
      return 'Profile';
    case 'notBuilt':
      return route.section.title;
    case 'notFound':
      return 'Page not found';
  }
};

/** The signed-in console: top navigation, side navigation, breadcrumbs, flash messages, page. */
export const Shell = () => {
  const pathname = usePathname();
  const route = parseRoute(pathname);
  const { session } = useServices();
  const me = useMe();
  const reloadMe = useReloadMe();
  const flash = useFlash();
  const [navigationOpen, setNavigationOpen] = useState(true);
  const [pageLabel, setPageLabel] = useState<string | undefined>(undefined);
  const routeProjectId = projectIdOf(route);
  const current = useCurrentProjectState(routeProjectId);

  useEffect(() => {
    if (route.page === 'home') navigate('/projects', { replace: true });
  }, [route.page]);

  // Memberships change while a session lasts: opening a project asks again what the caller may do there.
  useEffect(() => {
    if (routeProjectId !== undefined) void reloadMe();
  }, [routeProjectId, reloadMe]);

  const projectName = current.project?.id === routeProjectId ? current.project?.name : undefined;
  const title = titleOf(route, projectName, pageLabel);

  useEffect(() => {
    document.title = `${title} · ${PRODUCT}`;
  }, [title]);

  // Jobs and runs are kept per project: opened without one, they go to the current project's.
  const currentProjectId = current.project?.id;
  const sectionId = route.page === 'notBuilt' ? route.section.id : undefined;
  useEffect(() => {
    if (currentProjectId === undefined) return;
    if (sectionId === 'jobs') navigate(jobsHref(currentProjectId), { replace: true });
    if (sectionId === 'runs') navigate(runsHref(currentProjectId), { replace: true });
    if (sectionId === 'schedules') navigate(schedulesHref(currentProjectId), { replace: true });
    if (sectionId === 'triggers') navigate(triggersHref(currentProjectId), { replace: true });
    if (sectionId === 'notifications') navigate(notificationsHref(currentProjectId), { replace: true });
    if (sectionId === 'audit') navigate(auditHref(currentProjectId), { replace: true });
  }, [currentProjectId, sectionId]);

  // Messages belong to the page they were raised on.
  const { clear } = flash;
  useEffect(() => {
    clear();
  }, [pathname, clear]);

  let content;
  let contentType: 'table' | 'wizard' | 'default' = 'default';
  switch (route.page) {
    case 'projects':
      content = <ProjectsPage />;
      contentType = 'table';
      break;
    case 'project':
      content = <ProjectPage projectId={route.projectId} tab={route.tab} />;
      break;
    case 'target':
      content = <TargetDetailPage projectId={route.projectId} targetId={route.targetId} />;
      break;
    case 'targetImport':
      content = <ImportTargetsPage projectId={route.projectId} />;
      contentType = 'wizard';
      break;
    case 'jobs':
      content = <JobsPage projectId={route.projectId} />;
      contentType = 'table';
      break;
    case 'jobEditor':
      content = <JobEditorPage projectId={route.projectId} jobId={route.jobId} />;
      break;
    case 'job':
      content = <JobDetailPage projectId={route.projectId} jobId={route.jobId} />;
      break;
    case 'runs':
      content = <RunsPage projectId={route.projectId} />;
      contentType = 'table';
      break;
    case 'run':
      content = <RunPage projectId={route.projectId} runId={route.runId} />;
      break;
    case 'schedules':
      content = <SchedulesPage projectId={route.projectId} />;
      contentType = 'table';
      break;
    case 'triggers':
      content = <TriggersPage projectId={route.projectId} />;
      contentType = 'table';
      break;
    case 'notifications':
      content = <NotificationsPage projectId={route.projectId} />;
      break;
    case 'audit':
      content = <AuditPage projectId={route.projectId} />;
      contentType = 'table';
      break;
    case 'projectSection':
      content = <ProjectSectionPage section={route.section} tab={route.tab} />;
      break;
    case 'users':
      content = <UsersPage />;
      contentType = 'table';
      break;
    case 'settings':
      content = <SettingsPage />;
      break;
    case 'profile':
      content = <ProfilePage />;
      break;
    case 'notBuilt':
      content = <NotBuiltPage section={route.section} />;
      break;
    case 'home':
      content = null;
      break;
    case 'notFound':
      content = <NotFoundPage pathname={pathname} />;
      break;
  }

  const admin = isGlobalAdmin(me);
  const [projectsSection, ...projectScoped] = sections;
  const navItems: SideNavigationProps.Item[] = [];
  if (projectsSection !== undefined) navItems.push({ type: 'link', text: projectsSection.title, href: projectsSection.href });
  const p = current.project;
  if (p !== undefined) {
    const abilities = projectAbilities(me, p.id);
    const tabs: ProjectTab[] = ['overview', 'targets', 'credentials', 'members', ...(abilities.manageApiKeys ? (['api-keys'] as const) : [])];
    navItems.push({
      type: 'section',
      text: `Project: ${p.name}`,
      defaultExpanded: true,
      items: [
        ...tabs.map((tab) => ({ type: 'link' as const, text: tabLabels[tab], href: projectHref(p.id, tab) })),
        { type: 'link' as const, text: 'Jobs', href: jobsHref(p.id) },
        { type: 'link' as const, text: 'Runs', href: runsHref(p.id) },
        { type: 'link' as const, text: 'Schedules', href: schedulesHref(p.id) },
        { type: 'link' as const, text: 'Triggers', href: triggersHref(p.id) },
        { type: 'link' as const, text: 'Notifications', href: notificationsHref(p.id) },
        ...(abilities.readAudit ? [{ type: 'link' as const, text: 'Audit', href: auditHref(p.id) }] : []),
      ],
    });
  }
  // Per-project sections sit in the project's own group; without a current project they lead to choosing one.
  navItems.push(
    ...projectScoped.filter((s) => p === undefined || s.perProject !== true).map((s) => ({ type: 'link' as const, text: s.title, href: s.href })),
  );
  if (admin) {
    navItems.push(
      { type: 'divider' },
      { type: 'section', text: 'Administration', defaultExpanded: true, items: adminSections.map((s) => ({ type: 'link' as const, text: s.title, href: s.href })) },
    );
  }

  const breadcrumbs: BreadcrumbGroupProps.Item[] = [{ text: PRODUCT, href: '/projects' }];
  if (route.page === 'project' || route.page === 'target' || route.page === 'targetImport') {
    breadcrumbs.push({ text: 'Projects', href: '/projects' }, { text: projectName ?? route.projectId, href: projectHref(route.projectId) });
    if (route.page === 'project' && route.tab !== 'overview') breadcrumbs.push({ text: tabLabels[route.tab], href: projectHref(route.projectId, route.tab) });
    if (route.page === 'target') {
      breadcrumbs.push(
        { text: tabLabels.targets, href: projectHref(route.projectId, 'targets') },
        { text: pageLabel ?? route.targetId, href: targetHref(route.projectId, route.targetId) },
      );
    }
    if (route.page === 'targetImport') {
      breadcrumbs.push({ text: tabLabels.targets, href: projectHref(route.projectId, 'targets') }, { text: 'Import', href: targetImportHref(route.projectId) });
    }
  } else if (route.page === 'jobs' || route.page === 'job' || route.page === 'jobEditor') {
    breadcrumbs.push(
      { text: 'Projects', href: '/projects' },
      { text: projectName ?? route.projectId, href: projectHref(route.projectId) },
      { text: 'Jobs', href: jobsHref(route.projectId) },
    );
    if (route.page === 'job') breadcrumbs.push({ text: pageLabel ?? route.jobId, href: pathname });
    if (route.page === 'jobEditor') {
      if (route.jobId !== undefined) breadcrumbs.push({ text: pageLabel ?? route.jobId, href: jobHref(route.projectId, route.jobId) });
      breadcrumbs.push({ text: route.jobId === undefined ? 'New job' : 'Edit', href: pathname });
    }
  } else if (route.page === 'runs' || route.page === 'run') {
    breadcrumbs.push(
      { text: 'Projects', href: '/projects' },
      { text: projectName ?? route.projectId, href: projectHref(route.projectId) },
      { text: 'Runs', href: runsHref(route.projectId) },
    );
    if (route.page === 'run') breadcrumbs.push({ text: pageLabel ?? route.runId, href: pathname });
  } else if (route.page === 'triggers') {
    breadcrumbs.push(
      { text: 'Projects', href: '/projects' },
      { text: projectName ?? route.projectId, href: projectHref(route.projectId) },
      { text: 'Triggers', href: triggersHref(route.projectId) },
    );
  } else if (route.page === 'schedules' || route.page === 'audit' || route.page === 'notifications') {
    breadcrumbs.push(
      { text: 'Projects', href: '/projects' },
      { text: projectName ?? route.projectId, href: projectHref(route.projectId) },
      route.page === 'schedules'
        ? { text: 'Schedules', href: schedulesHref(route.projectId) }
        : route.page === 'notifications'
          ? { text: 'Notifications', href: notificationsHref(route.projectId) }
          : { text: 'Audit', href: auditHref(route.projectId) },
    );
  } else {
    breadcrumbs.push({ text: title, href: route.page === 'notBuilt' || route.page === 'projectSection' ? route.section.href : pathname });
  }

  const username = nameOf(me) ?? '…';

  return (
    <CurrentProjectContext.Provider value={current}>
      <PageLabelContext.Provider value={setPageLabel}>
      <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{ href: '/projects', title: PRODUCT, onFollow: followLink }}
          i18nStrings={{
            overflowMenuTriggerText: 'More',
            overflowMenuTitleText: 'All',
            overflowMenuBackIconAriaLabel: 'Back',
            overflowMenuDismissIconAriaLabel: 'Close menu',
          }}
          utilities={[
            {
              type: 'menu-dropdown',
              text: username,
              ...(me?.type === 'user' && me.email !== undefined ? { description: me.email } : {}),
              iconName: 'user-profile',
              items: [
                { id: 'profile', text: 'Profile', href: '/profile' },
                { id: 'sign-out', text: 'Sign out' },
              ],
              onItemFollow: followLink,
              onItemClick: (event) => {
                if (event.detail.id === 'sign-out') {
                  forgetCurrentProject();
                  session.signOut();
                  navigate('/projects', { replace: true });
                }
              },
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        toolsHide
        contentType={contentType}
        navigationOpen={navigationOpen}
        onNavigationChange={(event) => {
          setNavigationOpen(event.detail.open);
        }}
        ariaLabels={{
          navigation: 'Side navigation',
          navigationToggle: 'Open side navigation',
          navigationClose: 'Close side navigation',
          notifications: 'Notifications',
        }}
        navigation={
          <SideNavigation header={{ href: '/projects', text: PRODUCT }} activeHref={activeHrefOf(route, pathname)} onFollow={followLink} items={navItems} />
        }
        breadcrumbs={<BreadcrumbGroup ariaLabel="Breadcrumbs" expandAriaLabel="Show path" onFollow={followLink} items={breadcrumbs} />}
        notifications={<Flashbar items={flash.items} />}
        content={content}
      />
      </PageLabelContext.Provider>
    </CurrentProjectContext.Provider>
  );
};

const activeHrefOf = (route: Route, pathname: string): string => {
  if (route.page === 'project') return projectHref(route.projectId, route.tab);
  if (route.page === 'target' || route.page === 'targetImport') return projectHref(route.projectId, 'targets');
  if (route.page === 'jobs' || route.page === 'job' || route.page === 'jobEditor') return jobsHref(route.projectId);
  if (route.page === 'runs' || route.page === 'run') return runsHref(route.projectId);
  if (route.page === 'schedules') return schedulesHref(route.projectId);
  if (route.page === 'triggers') return triggersHref(route.projectId);
  if (route.page === 'notifications') return notificationsHref(route.projectId);
  if (route.page === 'audit') return auditHref(route.projectId);
  if (route.page === 'notBuilt' || route.page === 'projectSection') return route.section.href;
  return pathname;
};

import AppLayout from '@cloudscape-design/components/app-layout';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Flashbar from '@cloudscape-design/components/flashbar';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { useEffect, useState } from 'react';
import { useFlash } from './flash';
import { followLink, navigate, usePathname } from './router';
import { sectionFor, sections } from './sections';
import { useMe, useServices } from './services';
import { NotBuiltPage } from '../pages/not-built/NotBuiltPage';
import { NotFoundPage } from '../pages/not-found/NotFoundPage';
import { ProjectsPage } from '../pages/projects/ProjectsPage';

const PRODUCT = 'OpsConductor';

/** The signed-in console: top navigation, side navigation, breadcrumbs, flash messages, page. */
export const Shell = () => {
  const pathname = usePathname();
  const { session } = useServices();
  const me = useMe();
  const flash = useFlash();
  const [navigationOpen, setNavigationOpen] = useState(true);

  useEffect(() => {
    if (pathname === '/' || pathname === '') navigate('/projects', { replace: true });
  }, [pathname]);

  const section = sectionFor(pathname);
  const title = section?.title ?? 'Page not found';

  useEffect(() => {
    document.title = `${title} · ${PRODUCT}`;
  }, [title]);

  // Messages belong to the page they were raised on.
  const { clear } = flash;
  useEffect(() => {
    clear();
  }, [pathname, clear]);

  let content;
  let contentType: 'table' | 'default' = 'default';
  if (section?.id === 'projects' && pathname === section.href) {
    content = <ProjectsPage />;
    contentType = 'table';
  } else if (section !== undefined && !section.built && pathname === section.href) {
    content = <NotBuiltPage section={section} />;
  } else if (pathname === '/' || pathname === '') {
    content = null;
  } else {
    content = <NotFoundPage pathname={pathname} />;
  }

  const username = me?.username ?? '…';

  return (
    <>
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
              ...(me?.email === undefined ? {} : { description: me.email }),
              iconName: 'user-profile',
              items: [{ id: 'sign-out', text: 'Sign out' }],
              onItemClick: (event) => {
                if (event.detail.id === 'sign-out') {
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
          <SideNavigation
            header={{ href: '/projects', text: PRODUCT }}
            activeHref={section?.href ?? pathname}
            onFollow={followLink}
            items={sections.map((s) => ({ type: 'link' as const, text: s.title, href: s.href }))}
          />
        }
        breadcrumbs={
          <BreadcrumbGroup
            ariaLabel="Breadcrumbs"
            expandAriaLabel="Show path"
            onFollow={followLink}
            items={[
              { text: PRODUCT, href: '/projects' },
              { text: title, href: section?.href ?? pathname },
            ]}
          />
        }
        notifications={<Flashbar items={flash.items} />}
        content={content}
      />
    </>
  );
};

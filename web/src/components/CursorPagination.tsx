import Pagination from '@cloudscape-design/components/pagination';
import type { CursorPages } from '../app/use-cursor-pages';

/** Pagination for a cursor-paged table: the last page is open-ended while the API has more. */
export const CursorPagination = <T,>({ pages, label }: { pages: CursorPages<T>; label: string }) => (
  <Pagination
    currentPageIndex={pages.pageIndex}
    pagesCount={pages.pagesCount}
    openEnd={pages.hasMore}
    disabled={pages.loading}
    onChange={(event) => {
      pages.goToPage(event.detail.currentPageIndex);
    }}
    ariaLabels={{
      nextPageLabel: 'Next page',
      previousPageLabel: 'Previous page',
      pageLabel: (n) => `Page ${n}`,
      paginationLabel: `${label} pages`,
    }}
  />
);

/** The table header's counter: "(12)", or "(50+)" while more pages remain. */
export const counterOf = <T,>(pages: CursorPages<T>): string | undefined =>
  pages.loading && pages.loadedCount === 0 ? undefined : `(${pages.loadedCount}${pages.hasMore ? '+' : ''})`;

import { SendOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { useSession } from '../../console/session';
import { useMessages } from '../../messaging/api';
import { MessageDrawer } from '../../messaging/components/MessageDrawer';
import { MessageTable } from '../../messaging/components/MessageTable';

/** The customer's messages (issue 3): every one asked for, sent or held back, with the reason. */
export function MessagesTab({ customerId, onSend }: { customerId: string; onSend: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [messageId, setMessageId] = useState<string | undefined>();
  const list = useMessages({ customerId });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const send = can('messages.send') && (
    <Button type={rows.length ? 'default' : 'primary'} icon={<SendOutlined />} onClick={onSend}>
      {t('messaging.send.button')}
    </Button>
  );
  return (
    <>
      {rows.length > 0 && send && (
        <div className="bk-toolbar" style={{ justifyContent: 'flex-end' }}>
          {send}
        </div>
      )}
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <MessageTable
          rows={rows}
          showCustomer={false}
          pending={list.isPending}
          loading={list.isFetching && !list.isFetchingNextPage && !list.isPending}
          onOpen={(m) => setMessageId(m.id)}
          empty={<EmptyState title={t('messaging.customerTab.empty')} hint={t('messaging.customerTab.emptyHint')} action={send} />}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onLoadMore={() => void list.fetchNextPage()}
        />
      )}
      <MessageDrawer messageId={messageId} onClose={() => setMessageId(undefined)} />
    </>
  );
}

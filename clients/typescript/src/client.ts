/**
 * A small kefu client, written the way a web or mobile front end would write it.
 *
 * Every path, parameter, body and answer below is typed from `./schema` (`paths`,
 * `components`), which `scripts/typescript.sh` generates from the committed
 * `openapi/openapi.json`. When the contract changes in a way this code relies on (a renamed
 * property, a removed path, a new required field), `tsc --noEmit` fails in CI.
 *
 * The client signs in, keeps the token pair in memory, sends `Authorization: Bearer …` on
 * every other request, and when an access token has expired (`401 token_expired`) exchanges
 * the refresh token once (shared by concurrent calls: a refresh token works only once) and
 * repeats the request.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];

export type TokenPair = Schemas["TokenPair"];
export type Me = Schemas["Me"];
export type Problem = Schemas["Problem"];
export type Customer = Schemas["CustomerView"];
export type NewCustomer = Schemas["NewCustomerRequest"];
export type Complaint = Schemas["ComplaintView"];
export type NewComplaint = Schemas["NewComplaint"];
export type ComplaintAction = Schemas["TransitionRequest"];
export type WorkOrder = Schemas["WorkOrderView"];
export type NewWorkOrder = Schemas["NewWorkOrderBody"];
export type WorkOrderAction = Schemas["WorkOrderTransitionRequest"];
export type Contractor = Schemas["ContractorView"];
export type NewContractor = Schemas["NewContractorBody"];
export type Attachment = Schemas["AttachmentView"];
export type ApprovalRoute = Schemas["RouteView"];
export type Approval = Schemas["ApprovalView"];
export type ApprovalDecision = Schemas["DecisionBody"];
export type Disbursement = Schemas["DisbursementView"];
export type NewDisbursement = Schemas["NewDisbursementBody"];
export type Notification = Schemas["NotificationView"];
export type NotificationPage = Schemas["NotificationPage"];
export type NewWebhook = Schemas["NewWebhookBody"];
export type CreatedWebhook = Schemas["CreatedWebhook"];
/** The body of every message kefu posts to a webhook (`type`, `timestamp`, `data`). */
export type WebhookMessage = Schemas["WebhookMessage"];
export type Callback = Schemas["CallbackView"];
export type CallbackPage = Schemas["CallbackPage"];
export type CallbackRecord = Schemas["RecordBody"];
export type RecordedCallback = Schemas["RecordedView"];

/** The query parameters of `GET /api/v1/callbacks` (`assignee: "me", state: "due"` is one's work list). */
export type CallbackQuery = NonNullable<paths["/api/v1/callbacks"]["get"]["parameters"]["query"]>;
/** The query parameters of `GET /api/v1/complaints`. */
export type ComplaintQuery = NonNullable<paths["/api/v1/complaints"]["get"]["parameters"]["query"]>;
/** The query parameters of `GET /api/v1/work-orders` (a department's queue). */
export type WorkOrderQuery = NonNullable<paths["/api/v1/work-orders"]["get"]["parameters"]["query"]>;
/** The query parameters of `GET /api/v1/policies/approvals/route`. */
export type RouteQuery = paths["/api/v1/policies/approvals/route"]["get"]["parameters"]["query"];
/** The query parameters of `GET /api/v1/approvals` (`assignee: "me"` is the inbox). */
export type ApprovalQuery = NonNullable<paths["/api/v1/approvals"]["get"]["parameters"]["query"]>;
/** The query parameters of `GET /api/v1/contractors`. */
export type ContractorQuery = NonNullable<paths["/api/v1/contractors"]["get"]["parameters"]["query"]>;

/** Every list answers `{ items, next_cursor }`; `next_cursor` is `null` on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** The query parameters of `GET /api/v1/customers`, paging (`limit`, `cursor`) included. */
export type CustomerQuery = NonNullable<paths["/api/v1/customers"]["get"]["parameters"]["query"]>;
/** The same without paging: what `customers()` filters on while it walks every page. */
export type CustomerFilter = Omit<CustomerQuery, "limit" | "cursor">;

/** A non-2xx answer; `problem` is its RFC 9457 body when there is one. */
export class KefuError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `HTTP ${status}`);
    this.name = "KefuError";
  }

  /** The problem's stable `code` (`invalid_credentials`, `validation_failed`, …). */
  get code(): string | undefined {
    return this.problem?.code;
  }
}

export interface KefuClientOptions {
  /** Where kefu serves, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** A token pair kept from an earlier sign-in. */
  tokens?: TokenPair;
  /** Called whenever the pair changes (sign-in, refresh), e.g. to keep it in storage. */
  onTokens?: (tokens: TokenPair) => void;
  /** Another `fetch` (tests, a proxy); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** What an openapi-fetch call resolves to: the typed answer, or the typed error body. */
type Outcome<T, E> =
  | { data: T; error?: never; response: Response }
  | { data?: never; error: E; response: Response };

function isProblem(body: unknown): body is Problem {
  return typeof body === "object" && body !== null && "code" in body && "status" in body;
}

/** The answer of a successful call; a `KefuError` for any other. */
function unwrap<T, E>(outcome: Outcome<T, E>): T {
  // openapi-fetch answers `{ data, response }` or `{ error, response }` (`error` may be
  // undefined when the body is empty, but the key is there).
  if (outcome.response.ok && !("error" in outcome)) {
    return outcome.data;
  }
  throw new KefuError(outcome.response.status, isProblem(outcome.error) ? outcome.error : undefined);
}

/** Every item of every page, asking for the next page only when the caller wants more. */
export async function* allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}

export function createKefuClient(options: KefuClientOptions) {
  let tokens = options.tokens;
  let refreshing: Promise<TokenPair> | undefined;

  const http: Client<paths> = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const bearer: Middleware = {
    onRequest({ request, schemaPath }) {
      if (tokens !== undefined && !schemaPath.startsWith("/api/v1/auth/")) {
        request.headers.set("Authorization", `Bearer ${tokens.access_token}`);
      }
      return request;
    },
  };
  http.use(bearer);

  function keep(pair: TokenPair): TokenPair {
    tokens = pair;
    options.onTokens?.(pair);
    return pair;
  }

  /** Exchanges the refresh token for a new pair; concurrent callers share one exchange. */
  function refresh(): Promise<TokenPair> {
    const current = tokens;
    if (current === undefined) {
      return Promise.reject(new Error("not signed in"));
    }
    refreshing ??= http
      .POST("/api/v1/auth/refresh", { body: { refresh_token: current.refresh_token } })
      .then(unwrap)
      .then(keep)
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  /**
   * Sends a request that needs a signed-in caller; on `401 token_expired` it refreshes the
   * pair (unless another call already did) and sends it once more.
   */
  async function authed<T, E>(send: () => Promise<Outcome<T, E>>): Promise<T> {
    const used = tokens;
    let outcome = await send();
    if (
      outcome.response.status === 401 &&
      isProblem(outcome.error) &&
      outcome.error.code === "token_expired" &&
      used !== undefined
    ) {
      if (tokens === used) {
        await refresh();
      }
      outcome = await send();
    }
    return unwrap(outcome);
  }

  /** Signs in with a username and password and keeps the pair. */
  async function login(username: string, password: string): Promise<TokenPair> {
    return keep(unwrap(await http.POST("/api/v1/auth/login", { body: { username, password } })));
  }

  /** The signed-in user. */
  function me(): Promise<Me> {
    return authed(() => http.GET("/api/v1/me"));
  }

  /** One page of customers (phones masked); pass the previous page's `next_cursor` on. */
  function listCustomers(query: CustomerQuery = {}): Promise<Page<Customer>> {
    return authed(() => http.GET("/api/v1/customers", { params: { query } }));
  }

  /** Every customer matching `filter`, page after page, following `next_cursor`. */
  function customers(filter: CustomerFilter = {}, pageSize = 100): AsyncGenerator<Customer, void, undefined> {
    return allPages((cursor) =>
      listCustomers(cursor === undefined ? { ...filter, limit: pageSize } : { ...filter, limit: pageSize, cursor }),
    );
  }

  /**
   * Creates a customer. With an `idempotencyKey` the create is safe to retry: the same key
   * and body within 24 hours answer the first response again.
   */
  function createCustomer(customer: NewCustomer, idempotencyKey?: string): Promise<Customer> {
    return authed(() =>
      http.POST("/api/v1/customers", {
        body: customer,
        params: { header: idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey } },
      }),
    );
  }

  /** Receives a complaint (graded, numbered, its clocks started); safe to retry with a key. */
  function createComplaint(complaint: NewComplaint, idempotencyKey?: string): Promise<Complaint> {
    return authed(() =>
      http.POST("/api/v1/complaints", {
        body: complaint,
        params: { header: idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey } },
      }),
    );
  }

  /**
   * One page of the complaints within reach, each with its clocks. JSON only: the CSV and XLSX
   * exports (`format`) are downloads, not pages.
   */
  function listComplaints(query: Omit<ComplaintQuery, "format"> = {}): Promise<Page<Complaint>> {
    const json = { ...query, format: "json" as const };
    return authed(() => http.GET("/api/v1/complaints", { params: { query: json } })) as Promise<
      Page<Complaint>
    >;
  }

  /**
   * Takes an action on a complaint as last read: `If-Match` carries its version, so an action
   * on a complaint someone else changed meanwhile is refused (412) instead of lost.
   */
  function act(complaint: Complaint, action: ComplaintAction): Promise<Complaint> {
    return authed(() =>
      http.POST("/api/v1/complaints/{id}/transitions", {
        params: { path: { id: complaint.id }, header: { "If-Match": `"${complaint.version}"` } },
        body: action,
      }),
    );
  }

  /**
   * Sends a work order (联系单) about a complaint to a department of the complaint's company;
   * its reply is due within R-T-7. Safe to retry with an `idempotencyKey`.
   */
  function sendWorkOrder(complaintId: string, order: NewWorkOrder, idempotencyKey?: string): Promise<WorkOrder> {
    return authed(() =>
      http.POST("/api/v1/complaints/{id}/work-orders", {
        body: order,
        params: {
          path: { id: complaintId },
          header: idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey },
        },
      }),
    );
  }

  /** One page of the work orders within reach (a department's queue), each with its clocks. */
  function listWorkOrders(query: WorkOrderQuery = {}): Promise<Page<WorkOrder>> {
    return authed(() => http.GET("/api/v1/work-orders", { params: { query } }));
  }

  /**
   * Takes an action on a work order as last read: `If-Match` carries its version, so an action
   * on an order someone else changed meanwhile is refused (412) instead of lost.
   */
  function actOnWorkOrder(order: WorkOrder, action: WorkOrderAction): Promise<WorkOrder> {
    return authed(() =>
      http.POST("/api/v1/work-orders/{id}/transitions", {
        params: { path: { id: order.id }, header: { "If-Match": `"${order.version}"` } },
        body: action,
      }),
    );
  }

  /**
   * Uploads a photo, scan or recording of a complaint (multipart, one part `file`); kefu reads
   * its type from the bytes and keeps its SHA-256.
   */
  function uploadAttachment(complaintId: string, file: Blob, fileName: string): Promise<Attachment> {
    const form = new FormData();
    form.append("file", file, fileName);
    return authed(() =>
      http.POST("/api/v1/complaints/{id}/attachments", {
        params: { path: { id: complaintId } },
        body: {} as Schemas["AttachmentUpload"],
        bodySerializer: () => form,
      }),
    );
  }

  /** A complaint's attachments, oldest first; each names its `download` path. */
  async function listAttachments(complaintId: string): Promise<Attachment[]> {
    const list = await authed(() =>
      http.GET("/api/v1/complaints/{id}/attachments", { params: { path: { id: complaintId } } }),
    );
    return list.items;
  }

  /** One page of the group's contractors, each with whom its warranty covers today. */
  function listContractors(query: ContractorQuery = {}): Promise<Page<Contractor>> {
    return authed(() => http.GET("/api/v1/contractors", { params: { query } }));
  }

  /** Adds a contractor (group-wide `contractors.manage`); safe to retry with a key. */
  function createContractor(contractor: NewContractor, idempotencyKey?: string): Promise<Contractor> {
    return authed(() =>
      http.POST("/api/v1/contractors", {
        body: contractor,
        params: { header: idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey } },
      }),
    );
  }

  /** The steps a request would take, for a form that shows the route before submitting. */
  function approvalRoute(query: RouteQuery): Promise<ApprovalRoute> {
    return authed(() => http.GET("/api/v1/policies/approvals/route", { params: { query } }));
  }

  /** One page of approval requests; `{ assignee: "me", state: "pending" }` is the inbox. */
  function listApprovals(query: ApprovalQuery = {}): Promise<Page<Approval>> {
    return authed(() => http.GET("/api/v1/approvals", { params: { query } }));
  }

  /**
   * Decides the current step of a request as last read (`If-Match`): a decision on a request
   * someone else moved meanwhile is refused (412) instead of counted twice.
   */
  function decideApproval(approval: Approval, decision: ApprovalDecision): Promise<Approval> {
    return authed(() =>
      http.POST("/api/v1/approvals/{id}/decisions", {
        params: { path: { id: approval.id }, header: { "If-Match": `"${approval.version}"` } },
        body: decision,
      }),
    );
  }

  /** Requests a payment from a project's fund for a complaint; its approval starts at once. */
  function requestDisbursement(accountId: string, disbursement: NewDisbursement, idempotencyKey?: string): Promise<Disbursement> {
    return authed(() =>
      http.POST("/api/v1/fund-accounts/{id}/disbursements", {
        body: disbursement,
        params: {
          path: { id: accountId },
          header: idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey },
        },
      }),
    );
  }

  /** Pays an approved disbursement (finance); 409 `approval_pending` names the step awaited. */
  function payDisbursement(disbursementId: string, reference?: string): Promise<Disbursement> {
    return authed(() =>
      http.POST("/api/v1/disbursements/{id}/pay", {
        params: { path: { id: disbursementId } },
        body: reference === undefined ? {} : { reference },
      }),
    );
  }

  /** The caller's notifications, oldest first; `unread` for the unread ones only. */
  function listNotifications(unread = false, cursor?: string): Promise<NotificationPage> {
    return authed(() =>
      http.GET("/api/v1/notifications", { params: { query: { unread, ...(cursor === undefined ? {} : { cursor }) } } }),
    );
  }

  /** Marks one of the caller's notifications read. */
  function readNotification(id: string): Promise<Notification> {
    return authed(() => http.POST("/api/v1/notifications/{id}/read", { params: { path: { id } } }));
  }

  /** Subscribes a URL to kefu's messages; the answer holds the signing secret, once. */
  function createWebhook(webhook: NewWebhook): Promise<CreatedWebhook> {
    return authed(() => http.POST("/api/v1/webhooks", { body: webhook }));
  }

  /** The callback tasks within reach, e.g. `{ assignee: "me", state: "due" }`. */
  function listCallbacks(query: CallbackQuery = {}): Promise<CallbackPage> {
    return authed(() => http.GET("/api/v1/callbacks", { params: { query } }));
  }

  /** Records a call on a callback task (R-CB-3); the task afterwards and the record. */
  function recordCallback(id: string, record: CallbackRecord): Promise<RecordedCallback> {
    return authed(() =>
      http.POST("/api/v1/callbacks/{id}/records", { params: { path: { id } }, body: record }),
    );
  }

  return {
    /** The typed openapi-fetch client underneath, for calls this wrapper does not cover. */
    http,
    get tokens(): TokenPair | undefined {
      return tokens;
    },
    login,
    refresh,
    me,
    listCustomers,
    customers,
    createCustomer,
    createComplaint,
    listComplaints,
    act,
    uploadAttachment,
    listAttachments,
    sendWorkOrder,
    listWorkOrders,
    actOnWorkOrder,
    listContractors,
    createContractor,
    approvalRoute,
    listApprovals,
    decideApproval,
    requestDisbursement,
    payDisbursement,
    listNotifications,
    readNotification,
    createWebhook,
    listCallbacks,
    recordCallback,
  };
}

export type KefuClient = ReturnType<typeof createKefuClient>;

// Type-checks the generated todo client (examples/todo-client/js): correct use compiles,
// and every `@ts-expect-error` line proves a misuse is rejected.
import { io } from "socket.io-client";
import { createClient, ClientError, Priority, isGetTodoError } from "../../../examples/todo-client/js/index.js";
import type { ApiError, NewTodo, Todo, TodoPatch, Stats, Client } from "../../../examples/todo-client/js/index.js";

export async function correctUse(): Promise<void> {
  const overHttp: Client = createClient({ baseUrl: "http://127.0.0.1:1338", timeoutMs: 5000 });
  const overSocket: Client = createClient({ socket: io("http://127.0.0.1:1338"), headers: { authorization: "x" } });

  const input: NewTodo = { title: "write", priority: "high", tags: ["a"] };
  const created: Todo = await overHttp.createTodo(input);
  const id: number = created.id;
  const title: string = created.title;
  const note: string | null | undefined = created.note;
  const fetched: Todo = await overSocket.getTodo(id, { timeoutMs: 100 });
  const byUid: Todo = await overSocket.getTodoByUid(created.uid);
  const since: string | undefined = created.owner?.since;
  void [byUid, since];
  const all: Todo[] = await overHttp.listTodos();
  const open: Todo[] = await overHttp.listTodos({ done: false, tag: "a" });
  const patch: TodoPatch = { done: true };
  await overHttp.updateTodo(id, patch);
  const nothing: void = await overHttp.deleteTodo(id);
  const stats: Stats = await overHttp.stats();
  const high: number | undefined = stats.by_priority["high"];
  const p: Priority = Priority.High;

  try {
    await overHttp.getTodo(999);
  } catch (e) {
    if (e instanceof ClientError) {
      const status: number = e.status;
      const kind: "status" | "incompatible" | "timeout" | "disconnected" | "transport" | "decode" | "encode" | "invalid" = e.kind;
      const where: string | undefined = e.path;
      // An "invalid" error lists the broken rules.
      const broken: { path: string; rule: string; message: string }[] | undefined = e.fields;
      void broken;
      void where;
      void status;
      void kind;
    }
    // The route's guard narrows the body to its error type, no cast.
    if (isGetTodoError(e) && e.body !== undefined) {
      const body: ApiError = e.body;
      if (body.code === "not_found") {
        const missing: number = body.id;
        void missing;
      }
    }
  }
  void [title, note, fetched, all, open, nothing, high, p];
}

export async function misuse(client: Client): Promise<void> {
  // @ts-expect-error: the title is required
  await client.createTodo({ priority: "high" });
  // @ts-expect-error: priority is one of "low" | "normal" | "high"
  await client.createTodo({ title: "x", priority: "urgent" });
  // @ts-expect-error: ids are numbers
  await client.getTodo("1");
  // @ts-expect-error: updateTodo takes an id and a patch
  await client.updateTodo({ done: true });
  // @ts-expect-error: done is a boolean
  await client.updateTodo(1, { done: "yes" });
  // @ts-expect-error: there is no such route
  await client.removeEverything();
  // @ts-expect-error: the result is a Todo, not a string
  const wrong: string = await client.getTodo(1);
  try {
    await client.getTodo(1);
  } catch (e) {
    if (isGetTodoError(e) && e.body !== undefined) {
      // @ts-expect-error: the body is an ApiError, which has no `reason`
      void e.body.reason;
    }
  }
  // @ts-expect-error: with exactOptionalPropertyTypes, an optional field cannot be set to undefined explicitly
  const explicitUndefined: NewTodo = { title: "x", tags: undefined };
  // @ts-expect-error: the error union is tagged by `code`
  const badError: ApiError = { code: "gone", id: 1 };
  // @ts-expect-error: a snake_case method name does not exist
  await client.get_todo(1);
  void [wrong, explicitUndefined, badError];
}

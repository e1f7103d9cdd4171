// Type-checks the chat example's generated declarations (codegen/tests/golden/chat): typed
// event listeners and the resource's message union, with misuse rejected.
import { io } from "socket.io-client";
import { createClient } from "../../../codegen/tests/golden/chat/index.js";
import type { Client, Message, MessageChange, Posted, Presence, Joined, ConnectionState } from "../../../codegen/tests/golden/chat/index.js";

export async function correctUse(): Promise<void> {
  const client: Client = createClient({ socket: io("http://127.0.0.1:1337") });
  const joined: Joined = await client.joinRoom("lobby", { user: "ada" });
  const history: Message[] = joined.history;
  const stop = client.on("chat:message", (p: Posted) => {
    const text: string = p.message.text;
    void text;
  });
  client.on("presence", (p: Presence) => void p.users.length);
  client.on("message", (change: MessageChange) => {
    switch (change.verb) {
      case "created": {
        const m: Message = change.data;
        void m;
        break;
      }
      case "updated": {
        const text: string | undefined = change.data.text;
        const before: Message | undefined = change.previous;
        void [text, before];
        break;
      }
      case "destroyed": {
        const id: number = change.id;
        void id;
        break;
      }
      case "addedTo":
      case "removedFrom": {
        const attribute: string = change.attribute;
        void attribute;
        break;
      }
    }
  });
  const state: ConnectionState = client.connectionState();
  client.onConnectionState((s) => void s);
  stop();
  void [history, state];
}

export function misuse(client: Client): void {
  // @ts-expect-error: a presence payload is not a Posted
  client.on("presence", (p: Posted) => void p);
  // @ts-expect-error: the chat:message payload carries `message`, not `text`
  client.on("chat:message", (p: { text: string }) => void p);
  // @ts-expect-error: there is no such event
  client.on("typing", () => {});
  client.on("message", (change: MessageChange) => {
    // @ts-expect-error: resource messages have no "deleted" verb (it is "destroyed")
    if (change.verb === "deleted") return;
    if (change.verb === "created") {
      // @ts-expect-error: ids are numbers
      const id: string = change.id;
      void id;
    }
  });
  // @ts-expect-error: joining needs a name
  void client.joinRoom("lobby", {});
}

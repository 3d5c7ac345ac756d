package dev.vxcc.daemon.local;

import io.vertx.core.buffer.Buffer;

/**
 * One wrapper request as the local API's front hands it to a delegate: the caller as the kernel
 * named it, and the body as it arrived (bounded by the front).
 *
 * @param json the stats were asked for as JSON ({@code ?format=json})
 */
record LocalCall(String method, String path, boolean json, Buffer body, PeerIdentity peer) {}

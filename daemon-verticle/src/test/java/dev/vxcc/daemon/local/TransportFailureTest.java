package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpClosedException;

import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcError;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Only a servant we could not talk to is reported to the scheduler; one that answered "no" is not. */
class TransportFailureTest {
  @Test
  void refusedDroppedOrSilentConnectionsCountAsUnreachable() {
    assertTrue(ServantSession.transportFailure(new ConnectException("Connection refused")));
    assertTrue(ServantSession.transportFailure(new HttpClosedException("Connection was closed")));
    assertTrue(ServantSession.transportFailure(new TimeoutException("timed out")));
    assertTrue(ServantSession.transportFailure(new RuntimeException("wrapped", new ConnectException("refused"))));
  }

  @Test
  void anAnswerFromTheServantDoesNotCountAsUnreachable() {
    assertFalse(ServantSession.transportFailure(
        new GrpcErrorException(GrpcError.RESOURCE_EXHAUSTED, GrpcStatus.RESOURCE_EXHAUSTED)));
    assertFalse(ServantSession.transportFailure(new IllegalStateException("lost task")));
  }

  @Test
  void aServantThatCannotRunATreeTaskFaithfullyDeclinesRatherThanFails() {
    assertTrue(ServantSession.declinedStatus(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.FAILED_PRECONDITION)));
    assertTrue(ServantSession.declinedStatus(new RuntimeException(new GrpcErrorException(null, GrpcStatus.FAILED_PRECONDITION))));
    assertFalse(ServantSession.declinedStatus(new InvalidStatusException(GrpcStatus.OK, GrpcStatus.INVALID_ARGUMENT)));
    assertFalse(ServantSession.declinedStatus(new ConnectException("refused")));
  }
}

package io.patgate.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.patgate.domain.Permissions;
import io.patgate.domain.Refusal;
import io.patgate.replica.DatabaseStatus;
import io.patgate.store.DatabaseFailures;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.CompositeException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become {@code application/problem+json} (RFC 9457). A 500 says nothing
 * about its cause beyond an incident id that is also in the log.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final DatabaseStatus database;
    private final EdgeMetrics metrics;

    public ProblemMapper(DatabaseStatus database, EdgeMetrics metrics) {
        this.metrics = metrics;
        this.database = database;
    }

    private static Response respond(Problem problem) {
        return ProblemWriter.response(problem);
    }

    @ServerExceptionMapper
    public Response refused(Refusal e) {
        if (e.kind() == Refusal.Kind.THROTTLED) {
            metrics.throttled();
        }
        return ProblemWriter.response(Problems.of(e), e.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message))
                .toList();
        String detail = errors.stream()
                .map(f -> f.field() + ": " + f.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return respond(Problems.invalid(detail, errors));
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return respond(Problems.invalid("The JSON document is too deeply nested or too large", null));
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = jsonPath(mapping);
            String message =
                    e instanceof UnrecognizedPropertyException ? "unknown field" : "has the wrong type or format";
            return respond(Problems.invalidField(field, message));
        }
        if (e instanceof MismatchedInputException) {
            return respond(Problems.invalid("The body is not the JSON object this endpoint expects", null));
        }
        return respond(Problems.invalid("The body is not valid JSON", null));
    }

    /** More specific than Quarkus's built-in mapper for this type, which answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e) {
        if (unwrap(e) instanceof Refusal r) {
            return refused(
                    r); // the check could not be made (a cold token while the database is away): not a bad credential
        }
        return respond(Problems.badCredential());
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return respond(Problems.badCredential());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        // every @RolesAllowed in patgate asks for "admin"
        return respond(Problems.forbidden("This needs the '" + Permissions.ADMIN
                + "' role (and, for a personal access token, the '" + Permissions.ADMIN + "' scope)"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        int status = e.getResponse().getStatus();
        Problem problem =
                Problems.forStatus(status, e.getResponse().getStatusInfo().getReasonPhrase());
        if (problem == null) {
            return unexpected(e);
        }
        Response response = respond(problem);
        if (status == 405 && e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            return Response.fromResponse(response)
                    .header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW))
                    .build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        Throwable cause = unwrap(e);
        if (cause != e) {
            if (cause instanceof Refusal r) {
                return refused(r);
            }
            if (cause instanceof ConstraintViolationException c) {
                return invalid(c);
            }
        }
        if (DatabaseFailures.isUnavailable(cause)) {
            database.down(cause);
            return respond(Problems.databaseUnavailable("The database is unreachable; try again shortly"));
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure, incident %s", incident);
        return respond(Problems.internal(incident));
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        for (int depth = 0; depth < 8; depth++) {
            if (t instanceof CompositeException c && !c.getCauses().isEmpty()) {
                t = c.getCauses().get(0);
            } else if (t instanceof CompletionException && t.getCause() != null) {
                t = t.getCause();
            } else {
                break;
            }
        }
        return t;
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // "create.body.username" -> "username"; "list.size" -> "size"; a violation on a whole body -> "body"
        String field = "body";
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT && node.getIndex() != null) {
                field = field + "[" + node.getIndex() + "]";
            } else if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.PARAMETER) {
                String name = node.getName();
                if (node.getKind() == ElementKind.PROPERTY && node.getIndex() != null) {
                    name = name + "[" + node.getIndex() + "]";
                }
                field = name;
            }
        }
        return field;
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}

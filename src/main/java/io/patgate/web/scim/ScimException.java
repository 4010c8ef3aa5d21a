package io.patgate.web.scim;

import io.patgate.web.ScimError;

/**
 * A request SCIM's own rules refuse (RFC 7644 section 3.12), with the {@code scimType} clients branch on. The rules of
 * accounts refuse with domain refusals; those become SCIM errors at the edge (see {@link ScimResource}).
 */
final class ScimException extends RuntimeException {

    private final transient ScimError error;

    private ScimException(int status, String scimType, String detail) {
        super(detail, null, false, false);
        this.error = new ScimError(status, scimType, detail);
    }

    ScimError error() {
        return error;
    }

    static ScimException invalidFilter(String detail) {
        return new ScimException(400, "invalidFilter", detail);
    }

    static ScimException invalidSyntax(String detail) {
        return new ScimException(400, "invalidSyntax", detail);
    }

    static ScimException invalidValue(String detail) {
        return new ScimException(400, "invalidValue", detail);
    }

    static ScimException invalidPath(String detail) {
        return new ScimException(400, "invalidPath", detail);
    }

    static ScimException noTarget(String detail) {
        return new ScimException(400, "noTarget", detail);
    }

    static ScimException mutability(String detail) {
        return new ScimException(400, "mutability", detail);
    }

    static ScimException uniqueness(String detail) {
        return new ScimException(409, "uniqueness", detail);
    }

    static ScimException forbidden(String detail) {
        return new ScimException(403, null, detail);
    }

    static ScimException notImplemented(String detail) {
        return new ScimException(501, null, detail);
    }
}

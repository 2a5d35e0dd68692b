package io.pgrealtime.gateway.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A one-page demo client at {@code /}: paste a token, pick a channel, watch changes arrive. */
@Controller
public class DemoPageController {
    private final String page;

    public DemoPageController() {
        try (InputStream in = DemoPageController.class.getResourceAsStream("/web/index.html")) {
            page = in == null ? "<p>demo page missing</p>" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<String> index() {
        return HttpResponse.ok(page);
    }
}

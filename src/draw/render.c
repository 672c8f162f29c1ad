/* PNG and PDF from the pictures' SVG, rendered by librsvg on cairo
 * surfaces (style.md 21: no rasteriser or PDF writer of our own). */
#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

#include "draw/draw.h"

int render_svg(const char *svg, size_t len, const char *path, bool pdf, char *err, size_t cap)
{
    GError *ge = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &ge);
    if (!h) {
        snprintf(err, cap, "cannot read the SVG: %s", ge ? ge->message : "librsvg failed");
        if (ge)
            g_error_free(ge);
        return -1;
    }
    rsvg_handle_set_dpi(h, 96);
    gdouble w = 0, hgt = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt) || w <= 0 || hgt <= 0) {
        snprintf(err, cap, "the SVG has no size");
        g_object_unref(h);
        return -1;
    }
    /* PNG at twice the size, for print and high-density screens; PDF in
     * points (1 px = 0.75 pt at 96 dpi). */
    double scale = pdf ? 0.75 : 2.0;
    cairo_surface_t *surf = pdf ? cairo_pdf_surface_create(path, w * scale, hgt * scale)
                                : cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                             (int)(w * scale), (int)(hgt * scale));
    int rc = 0;
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, cap, "cannot create '%s': %s", path,
                 cairo_status_to_string(cairo_surface_status(surf)));
        cairo_surface_destroy(surf);
        g_object_unref(h);
        return -1;
    }
    /* The same session gives the same bytes: the PDF's creation date is
     * not the clock's (cairo writes it otherwise), as reproducible builds
     * ask (SOURCE_DATE_EPOCH's default of 0 is 1970). */
    if (pdf)
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, "1970-01-01T00:00:00");
    cairo_t *cr = cairo_create(surf);
    cairo_scale(cr, scale, scale);
    RsvgRectangle vp = {0, 0, w, hgt};
    if (!rsvg_handle_render_document(h, cr, &vp, &ge)) {
        snprintf(err, cap, "cannot render the SVG: %s", ge ? ge->message : "librsvg failed");
        if (ge)
            g_error_free(ge);
        rc = -1;
    }
    cairo_destroy(cr);
    if (rc == 0 && !pdf) {
        cairo_status_t st = cairo_surface_write_to_png(surf, path);
        if (st != CAIRO_STATUS_SUCCESS) {
            snprintf(err, cap, "cannot write '%s': %s", path, cairo_status_to_string(st));
            rc = -1;
        }
    }
    cairo_surface_finish(surf);
    if (rc == 0 && pdf && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, cap, "cannot write '%s': %s", path,
                 cairo_status_to_string(cairo_surface_status(surf)));
        rc = -1;
    }
    cairo_surface_destroy(surf);
    g_object_unref(h);
    return rc;
}

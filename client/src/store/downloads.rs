//! Files the user asks to keep: handed to the browser's download manager, never stored by the app.

use wasm_bindgen::JsCast;

use crate::error::ClientError;

/// Offers `contents` as a file called `file_name` of type `mime` (the browser saves it to the
/// user's downloads folder, or asks where, as it is set up to).
pub fn save_file(file_name: &str, mime: &str, contents: &str) -> Result<(), ClientError> {
    let failed = |what: &str| ClientError::Storage {
        detail: format!("download of {file_name}: {what}"),
    };
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| failed("no document"))?;
    let parts = js_sys::Array::of1(&contents.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| failed("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| failed("object URL"))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| failed("link"))?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Some browsers read the URL after the click returns: free it a little later.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

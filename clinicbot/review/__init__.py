"""The staff review web app (Flask): import `create_app` from `clinicbot.review.app`."""
